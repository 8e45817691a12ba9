#include "jobs/evaluate_dialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileInfo>
#include <QFormLayout>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

#include "tmf/decode_mode.h"

QStringList EvaluateRequest::arguments() const {
  return {QStringLiteral("eval"),  QStringLiteral("--dataset"), dataset, QStringLiteral("--model"), model,
          QStringLiteral("--decode"), decode, QStringLiteral("--part"), part, QStringLiteral("--limit"),
          QString::number(limit), QStringLiteral("--device"), device, QStringLiteral("--json")};
}

EvaluateDialog::EvaluateDialog(const QString& dataset, const QString& model, QWidget* parent)
    : QDialog(parent), m_dataset(dataset), m_model(model) {
  setWindowTitle(tr("Evaluate the model"));
  m_decode = new QComboBox;
  auto mode = [](tmf::DecodeMode m) { return QString::fromLatin1(tmf::decode_mode_name(m)); };
  m_decode->addItem(tr("Free generation, matched to the candidates (the paper)"), mode(tmf::DecodeMode::Free));
  m_decode->addItem(tr("Generation constrained to candidate names"), mode(tmf::DecodeMode::Constrained));
  m_decode->addItem(tr("Most likely candidate name"), mode(tmf::DecodeMode::Likelihood));
  m_part = new QComboBox;
  m_part->addItem(tr("Test rows"), QStringLiteral("test"));
  m_part->addItem(tr("Validation rows"), QStringLiteral("valid"));
  m_limit = new QSpinBox;
  m_limit->setRange(0, 100000000);
  m_limit->setSpecialValueText(tr("All"));
  m_limit->setToolTip(tr("Evaluate the first N rows only (All: every row)"));
  m_device = new QComboBox;
  m_device->addItem(tr("Auto (CUDA when present)"), QStringLiteral("auto"));
  m_device->addItem(tr("CPU"), QStringLiteral("cpu"));
  m_device->addItem(tr("CUDA"), QStringLiteral("cuda"));
  auto* form = new QFormLayout;
  form->addRow(tr("Model"), new QLabel(QFileInfo(model).fileName()));
  form->addRow(tr("Dataset"), new QLabel(QFileInfo(dataset).fileName()));
  form->addRow(tr("Decoding"), m_decode);
  form->addRow(tr("Rows"), m_part);
  form->addRow(tr("Limit"), m_limit);
  form->addRow(tr("Device"), m_device);
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
  buttons->button(QDialogButtonBox::Ok)->setText(tr("Evaluate"));
  connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  auto* lay = new QVBoxLayout(this);
  lay->addLayout(form);
  lay->addWidget(buttons);
}

EvaluateRequest EvaluateDialog::request() const {
  EvaluateRequest r;
  r.dataset = m_dataset;
  r.model = m_model;
  r.decode = m_decode->currentData().toString();
  r.part = m_part->currentData().toString();
  r.limit = m_limit->value();
  r.device = m_device->currentData().toString();
  return r;
}
