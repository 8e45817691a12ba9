#include "jobs/train_dialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QVBoxLayout>
#include <functional>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QSpinBox>

QStringList TrainRequest::arguments() const {
  return {QStringLiteral("train"), QStringLiteral("--dataset"), dataset, QStringLiteral("--out"), out,
          QStringLiteral("--level"), level, QStringLiteral("--size"), size, QStringLiteral("--seed"), QString::number(seed),
          QStringLiteral("--device"), device};
}

QString TrainRequest::defaultOut(const QString& dataset, const QString& level) {
  if (dataset.isEmpty()) return QString();
  const QFileInfo fi(dataset);
  const QString suffix = level == QStringLiteral("cma") ? QString() : QStringLiteral("-") + level;
  return fi.absolutePath() + QLatin1Char('/') + fi.completeBaseName() + suffix + QStringLiteral(".tmf");
}

namespace {
QWidget* withBrowse(QLineEdit* edit, QWidget* parent, const std::function<QString()>& browse) {
  auto* row = new QWidget(parent);
  auto* lay = new QHBoxLayout(row);
  lay->setContentsMargins(0, 0, 0, 0);
  lay->addWidget(edit, 1);
  auto* button = new QPushButton(QObject::tr("Browse…"), row);
  lay->addWidget(button);
  QObject::connect(button, &QPushButton::clicked, row, [edit, browse] {
    const QString path = browse();
    if (!path.isEmpty()) edit->setText(path);
  });
  return row;
}

void addChoices(QComboBox* box, const QList<QPair<QString, QString>>& items) {
  for (const auto& [value, label] : items) box->addItem(label, value);
}
}  // namespace

TrainDialog::TrainDialog(const QString& dataset, QWidget* parent) : QDialog(parent) {
  setWindowTitle(tr("Train a TMF model"));
  m_dataset = new QLineEdit(dataset);
  m_level = new QComboBox;
  addChoices(m_level, {{QStringLiteral("cma"), tr("Full TMF: + cross-modality attention (cma)")},
                       {QStringLiteral("amsa"), tr("+ item tokens, all-modality self-attention (amsa)")},
                       {QStringLiteral("behavior"), tr("+ behavior tokens (behavior)")},
                       {QStringLiteral("text"), tr("Text only (text)")}});
  m_level->setToolTip(tr("Ablation level of the paper's Table 3"));
  m_size = new QComboBox;
  addChoices(m_size, {{QStringLiteral("default"), tr("Full recipe (default)")},
                      {QStringLiteral("demo"), tr("Demo model (demo, under 30 min on 2 cores)")},
                      {QStringLiteral("tiny"), tr("Smoke test (tiny, seconds; does not recommend)")}});
  m_seed = new QSpinBox;
  m_seed->setRange(0, 1 << 30);
  m_seed->setValue(42);
  m_device = new QComboBox;
  addChoices(m_device, {{QStringLiteral("auto"), tr("Auto (CUDA when present)")},
                        {QStringLiteral("cpu"), tr("CPU")},
                        {QStringLiteral("cuda"), tr("CUDA")}});
  m_out = new QLineEdit(TrainRequest::defaultOut(dataset, QStringLiteral("cma")));
  m_out->setToolTip(tr("A new folder, an empty one or an older package (replaced at the end). The same folder "
                       "started again resumes a cancelled run."));
  connect(m_out, &QLineEdit::textEdited, this, [this] { m_outEdited = true; });
  auto refreshOut = [this] {
    if (!m_outEdited) m_out->setText(TrainRequest::defaultOut(m_dataset->text(), m_level->currentData().toString()));
  };
  connect(m_level, &QComboBox::currentIndexChanged, this, refreshOut);
  connect(m_dataset, &QLineEdit::textChanged, this, refreshOut);

  auto* form = new QFormLayout;
  form->addRow(tr("Dataset"), withBrowse(m_dataset, this, [this] {
                 return QFileDialog::getOpenFileName(this, tr("Dataset"), m_dataset->text(),
                                                     tr("TMF datasets (*.tmfdb);;All files (*)"));
               }));
  form->addRow(tr("Level"), m_level);
  form->addRow(tr("Recipe"), m_size);
  form->addRow(tr("Seed"), m_seed);
  form->addRow(tr("Device"), m_device);
  form->addRow(tr("Output folder"), withBrowse(m_out, this, [this] {
                 return QFileDialog::getExistingDirectory(this, tr("Output folder"), QFileInfo(m_out->text()).absolutePath());
               }));
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
  buttons->button(QDialogButtonBox::Ok)->setText(tr("Train"));
  connect(buttons, &QDialogButtonBox::accepted, this, &TrainDialog::accept);
  connect(buttons, &QDialogButtonBox::rejected, this, &TrainDialog::reject);
  auto* lay = new QVBoxLayout(this);
  lay->addLayout(form);
  lay->addWidget(buttons);
}

TrainRequest TrainDialog::request() const {
  TrainRequest r;
  r.dataset = m_dataset->text().trimmed();
  r.out = m_out->text().trimmed();
  r.level = m_level->currentData().toString();
  r.size = m_size->currentData().toString();
  r.seed = m_seed->value();
  r.device = m_device->currentData().toString();
  return r;
}

void TrainDialog::setRequest(const TrainRequest& r) {
  m_dataset->setText(r.dataset);
  m_level->setCurrentIndex(qMax(0, m_level->findData(r.level)));
  m_size->setCurrentIndex(qMax(0, m_size->findData(r.size)));
  m_seed->setValue(r.seed);
  m_device->setCurrentIndex(qMax(0, m_device->findData(r.device)));
  m_out->setText(r.out);
  m_outEdited = true;
}

void TrainDialog::accept() {
  const TrainRequest r = request();
  if (r.dataset.isEmpty() || !QFileInfo(r.dataset).isFile()) {
    QMessageBox::warning(this, tr("Train"), tr("Choose a dataset file (.tmfdb) to train on."));
    return;
  }
  if (r.out.isEmpty()) {
    QMessageBox::warning(this, tr("Train"), tr("Choose an output folder for the model package."));
    return;
  }
  QDialog::accept();
}
