#include "inference/inference_panel.h"

#include <QComboBox>
#include <QFileDialog>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QSplitter>
#include <QVBoxLayout>
#include <exception>

#include "attention/attention_view.h"
#include "composer/composition.h"
#include "inference/inference_runner.h"
#include "inference/prompt_view.h"
#include "inference/score_chart.h"
#include "loaded_dataset.h"
#include "thumbnail_cache.h"
#include "tmf/decode_mode.h"

InferencePanel::InferencePanel(Composition* composition, ThumbnailCache* thumbnails, QWidget* parent)
    : QWidget(parent), m_composition(composition), m_thumbnails(thumbnails) {
  m_runner = new InferenceRunner(this);
  auto* open = new QPushButton(tr("Open model…"));
  m_model = new QLabel(tr("No model"));
  m_model->setTextInteractionFlags(Qt::TextSelectableByMouse);
  m_device = new QComboBox;
  m_device->addItem(tr("Auto"), QStringLiteral("auto"));
  m_device->addItem(tr("CPU"), QStringLiteral("cpu"));
  const QString cuda = InferenceRunner::cudaDeviceName();
  if (!cuda.isEmpty()) m_device->addItem(tr("GPU: %1").arg(cuda), QStringLiteral("cuda"));
  m_decode = new QComboBox;
  auto mode = [](tmf::DecodeMode m) { return QString::fromLatin1(tmf::decode_mode_name(m)); };
  m_decode->addItem(tr("free decoding"), mode(tmf::DecodeMode::Free));
  m_decode->addItem(tr("constrained to candidates"), mode(tmf::DecodeMode::Constrained));
  m_decode->addItem(tr("likelihood ranking"), mode(tmf::DecodeMode::Likelihood));
  m_run = new QPushButton(tr("Run ▶"));
  m_run->setShortcut(Qt::CTRL | Qt::Key_R);
  m_cancel = new QPushButton(tr("Cancel"));
  m_cancel->setEnabled(false);
  m_pin = new QPushButton(tr("Pin for comparison"));
  m_pin->setToolTip(tr("Keep this result; the next run is shown beside it"));
  m_progress = new QProgressBar;
  m_progress->setMaximumWidth(160);
  m_progress->setTextVisible(false);
  auto* bar = new QHBoxLayout;
  bar->addWidget(open);
  bar->addWidget(m_model, 1);
  bar->addWidget(new QLabel(tr("Device")));
  bar->addWidget(m_device);
  bar->addWidget(m_decode);
  bar->addWidget(m_run);
  bar->addWidget(m_cancel);
  bar->addWidget(m_progress);
  bar->addWidget(m_pin);

  m_answer = new QLabel(tr("Compose a case and run the model."));
  m_answer->setWordWrap(true);
  m_answer->setTextInteractionFlags(Qt::TextSelectableByMouse);
  m_prompt = new PromptView;
  m_scores = new ScoreChart;
  auto* left = new QSplitter(Qt::Vertical);
  auto* answerBox = new QGroupBox(tr("Answer"));
  (new QVBoxLayout(answerBox))->addWidget(m_answer);
  left->addWidget(answerBox);
  left->addWidget(m_prompt);
  left->addWidget(m_scores);
  m_attention = new AttentionView;
  m_pinned = new AttentionView;
  m_pinnedBox = new QGroupBox(tr("Pinned run (A)"));
  auto* pinnedLayout = new QVBoxLayout(m_pinnedBox);
  auto* unpin = new QPushButton(tr("Unpin"));
  pinnedLayout->addWidget(m_pinned, 1);
  pinnedLayout->addWidget(unpin, 0, Qt::AlignRight);
  m_pinnedBox->hide();
  auto* currentBox = new QGroupBox(tr("Current run"));
  (new QVBoxLayout(currentBox))->addWidget(m_attention);
  auto* maps = new QSplitter;
  maps->addWidget(m_pinnedBox);
  maps->addWidget(currentBox);
  auto* main = new QSplitter;
  main->addWidget(left);
  main->addWidget(maps);
  main->setStretchFactor(0, 2);
  main->setStretchFactor(1, 3);
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(bar);
  layout->addWidget(main, 1);

  connect(open, &QPushButton::clicked, this, [this] {
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Open a TMF model package"), m_modelDir);
    if (!dir.isEmpty()) openModel(dir);
  });
  connect(m_device, qOverload<int>(&QComboBox::activated), this, [this] {
    Q_EMIT deviceChanged(device());
    if (!m_modelDir.isEmpty()) openModel(m_modelDir);
  });
  connect(m_run, &QPushButton::clicked, this, &InferencePanel::run);
  connect(m_cancel, &QPushButton::clicked, this, &InferencePanel::cancel);
  connect(m_pin, &QPushButton::clicked, this, &InferencePanel::pinCurrent);
  connect(unpin, &QPushButton::clicked, this, &InferencePanel::clearPin);
  connect(m_runner, &InferenceRunner::busyChanged, this, [this](bool busy) {
    m_run->setEnabled(!busy);
    m_cancel->setEnabled(busy);
    m_progress->setRange(0, busy ? 0 : 1);
    m_progress->setValue(busy ? 0 : 1);
  });
  connect(m_runner, &InferenceRunner::progressed, this, [this](const QString& stage, double done, double total) {
    m_progress->setToolTip(stage);
    if (total > 0) {
      m_progress->setRange(0, 1000);
      m_progress->setValue(int(1000 * done / total));
    }
  });
  connect(m_runner, &InferenceRunner::modelOpened, this, [this](const QString& dir) {
    const tmf::ModelSummary& s = m_runner->summary();
    const QString text = tr("%1 — level %2, %3 fusion heads, %4 M parameters, %5")
                             .arg(QDir(dir).dirName(), QString::fromStdString(s.level)).arg(s.fusion_heads)
                             .arg(double(s.parameters) / 1e6, 0, 'f', 1).arg(QString::fromStdString(s.device));
    m_model->setText(text);
    m_model->setToolTip(dir);
    Q_EMIT modelChanged(text);
    Q_EMIT deviceChanged(QString::fromStdString(s.device));
  });
  connect(m_runner, &InferenceRunner::resultReady, this, &InferencePanel::showResult);
  connect(m_runner, &InferenceRunner::errorOccurred, this, &InferencePanel::showError);
  connect(m_thumbnails, &ThumbnailCache::thumbnailReady, this, [this](qint64 id) {
    for (int64_t i : m_request.history_items)
      if (i == id) { refreshLabels(); return; }
  });
}

InferencePanel::~InferencePanel() = default;

QString InferencePanel::device() const { return m_device->currentData().toString(); }

QString InferencePanel::answerText() const { return m_answer->text(); }

void InferencePanel::setDataset(std::shared_ptr<LoadedDataset> dataset) {
  m_dataset = std::move(dataset);
  m_result.reset();
  m_attention->clear(tr("Run the model to see its attention."));
  clearPin();
  if (m_runner->hasModel() || !m_modelDir.isEmpty()) {
    if (m_dataset) openModel(m_modelDir);
    else m_runner->closeModel();
  }
}

void InferencePanel::openModel(const QString& packageDir) {
  m_modelDir = packageDir;
  if (!m_dataset) {
    showError(tr("No dataset"), tr("Open the dataset the model was trained on first."));
    return;
  }
  m_model->setText(tr("Opening %1…").arg(packageDir));
  m_runner->openModel(packageDir, m_dataset->path, device());
}

void InferencePanel::run() {
  try {
    tmf::InferenceRequest rq = m_composition->request();
    rq.decode = tmf::parse_decode_mode(m_decode->currentData().toString().toStdString());
    m_pendingRequest = rq;
    m_runClock.start();
    m_runner->run(rq);
  } catch (const std::exception& e) {
    showError(tr("Cannot run"), QString::fromStdString(e.what()));
  }
}

void InferencePanel::cancel() { m_runner->cancel(); }

QVector<HeatmapAxisLabel> InferencePanel::stepLabels(const std::vector<int64_t>& items,
                                                     const std::vector<int64_t>& behaviors) const {
  QVector<HeatmapAxisLabel> out;
  for (size_t i = 0; i < items.size(); ++i) {
    HeatmapAxisLabel l;
    l.name = m_composition->itemName(items[i]);
    l.thumbnail = items[i] < 0 ? m_composition->newItemImage(items[i]) : m_thumbnails->thumbnail(items[i]);
    if (m_dataset && i < behaviors.size()) l.behavior = m_dataset->glyph(behaviors[i]);
    out << l;
  }
  return out;
}

void InferencePanel::refreshLabels() {
  if (m_result) m_attention->heatmap()->setAxisLabels(stepLabels(m_request.history_items, m_request.history_behaviors),
                                                      stepLabels(m_request.history_items, m_request.history_behaviors));
}

void InferencePanel::showResult(std::shared_ptr<const tmf::InferenceResult> r) {
  m_result = r;
  m_request = m_pendingRequest;
  QStringList history, candidates;
  for (int64_t id : m_request.history_items) history << m_composition->itemName(id);
  for (const std::string& c : r->candidate_names) candidates << QString::fromStdString(c);
  m_prompt->setPrompt(r->prompt, history, candidates);
  m_scores->setResult(*r);
  QString matched = r->matched >= 0 && r->matched < candidates.size() ? candidates[r->matched] : tr("none");
  QString verdict;
  if (r->expected >= 0) verdict = r->matched == r->expected ? tr("  ✔ as expected") : tr("  ✘ expected %1").arg(
                                                                   r->expected < candidates.size() ? candidates[r->expected] : QString());
  m_answer->setText(tr("<b>Generated:</b> %1<br><b>Matched candidate:</b> %2%3<br><b>Valid:</b> %4<br>"
                       "<small>level %5, task %6, %7 decoding, %8 prompt tokens, %9 — %10 ms (prepare %11, fusion "
                       "%12, generate %13, score %14)</small>")
                        .arg(QString::fromStdString(r->generated).toHtmlEscaped(), matched.toHtmlEscaped(), verdict,
                             r->valid ? tr("yes") : tr("no — the answer names no candidate"),
                             QString::fromStdString(r->level), QString::fromStdString(r->task),
                             QString::fromUtf8(tmf::decode_mode_name(r->decode)))
                        .arg(r->prompt_tokens)
                        .arg(QString::fromStdString(r->device))
                        .arg(r->timings.total_ms, 0, 'f', 1)
                        .arg(r->timings.prepare_ms, 0, 'f', 1)
                        .arg(r->timings.fusion_ms, 0, 'f', 1)
                        .arg(r->timings.generate_ms, 0, 'f', 1)
                        .arg(r->timings.score_ms, 0, 'f', 1));
  const QVector<HeatmapAxisLabel> labels = stepLabels(m_request.history_items, m_request.history_behaviors);
  m_attention->setResult(*r, labels, tr("%1 steps → %2").arg(labels.size()).arg(QString::fromStdString(r->generated)));
  if (m_attention->isVisible()) m_attention->heatmap()->repaint();  // paint now: part of the measured time
  m_runToHeatmapMs = m_runClock.isValid() ? double(m_runClock.nsecsElapsed()) / 1e6 : 0;
  Q_EMIT resultShown();
}

void InferencePanel::pinCurrent() {
  if (!m_result) {
    showError(tr("Nothing to pin"), tr("Run the model first; the result can then be kept for comparison."));
    return;
  }
  m_pinnedResult = m_result;
  m_pinnedRequest = m_request;
  m_pinned->setResult(*m_pinnedResult, stepLabels(m_pinnedRequest.history_items, m_pinnedRequest.history_behaviors),
                      tr("A: %1").arg(QString::fromStdString(m_pinnedResult->generated)));
  m_pinnedBox->show();
}

void InferencePanel::clearPin() {
  m_pinnedResult.reset();
  m_pinned->clear(QString());
  m_pinnedBox->hide();
}

void InferencePanel::showError(const QString& title, const QString& message) {
  m_lastError = message;
  if (m_model->text().startsWith(tr("Opening"))) m_model->setText(tr("No model"));
  Q_EMIT errorShown(message);
  if (message == tr("cancelled")) {
    m_answer->setText(tr("Cancelled."));
    return;
  }
  if (!quietErrors) QMessageBox::warning(this, title, message);
}

void InferencePanel::setDecode(const QString& mode) {
  const int i = m_decode->findData(mode);
  if (i >= 0) m_decode->setCurrentIndex(i);
}
