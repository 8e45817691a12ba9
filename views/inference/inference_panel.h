// The Inference & Attention panel: open a model package for the open dataset (compatibility is
// checked by core; a clear dialog when it fails), choose the device, run the composer's case off
// the UI thread (progress, cancel), and show why the model answered: the prompt with item and
// behavior tokens highlighted, the generated answer, the matched candidate, validity, a bar chart
// of candidate probabilities and the AMSA/CMA heatmaps. "Pin" keeps a result so that the next run
// is shown beside it (LIT-style before/after comparison).
#pragma once
#include <QElapsedTimer>
#include <QVector>
#include <QWidget>
#include <memory>

#include "attention/heatmap_widget.h"
#include "tmf/inference.h"

class AttentionView;
class Composition;
class InferenceRunner;
class PromptView;
class QComboBox;
class QLabel;
class QProgressBar;
class QPushButton;
class ScoreChart;
class ThumbnailCache;
struct LoadedDataset;

class InferencePanel : public QWidget {
  Q_OBJECT
 public:
  InferencePanel(Composition* composition, ThumbnailCache* thumbnails, QWidget* parent = nullptr);
  ~InferencePanel() override;

  void setDataset(std::shared_ptr<LoadedDataset> dataset);  // reopens the model for it, if one was open
  void openModel(const QString& packageDir);
  void run();
  void cancel();
  void setDecode(const QString& mode);  // "free", "constrained" or "likelihood"
  void pinCurrent();
  void clearPin();

  InferenceRunner* runner() const { return m_runner; }
  AttentionView* attentionView() const { return m_attention; }
  AttentionView* pinnedView() const { return m_pinned; }
  PromptView* promptView() const { return m_prompt; }
  ScoreChart* scoreChart() const { return m_scores; }
  const tmf::InferenceResult* lastResult() const { return m_result.get(); }
  QString device() const;
  QString answerText() const;
  double lastRunToHeatmapMs() const { return m_runToHeatmapMs; }
  bool quietErrors = false;  // tests: report errors through errorShown only
  QString lastError() const { return m_lastError; }

 Q_SIGNALS:
  void modelChanged(const QString& description);
  void deviceChanged(const QString& device);
  void resultShown();
  void errorShown(const QString& message);

 private:
  void showResult(std::shared_ptr<const tmf::InferenceResult> r);
  void showError(const QString& title, const QString& message);
  QVector<HeatmapAxisLabel> stepLabels(const std::vector<int64_t>& items, const std::vector<int64_t>& behaviors) const;
  void refreshLabels();

  Composition* m_composition;
  ThumbnailCache* m_thumbnails;
  std::shared_ptr<LoadedDataset> m_dataset;
  InferenceRunner* m_runner;
  QString m_modelDir;
  QComboBox* m_device;
  QLabel* m_model;
  QComboBox* m_decode;
  QPushButton* m_run;
  QPushButton* m_cancel;
  QPushButton* m_pin;
  QProgressBar* m_progress;
  QLabel* m_answer;
  PromptView* m_prompt;
  ScoreChart* m_scores;
  AttentionView* m_attention;
  AttentionView* m_pinned;
  QWidget* m_pinnedBox;
  std::shared_ptr<const tmf::InferenceResult> m_result, m_pinnedResult;
  tmf::InferenceRequest m_request, m_pinnedRequest, m_pendingRequest;
  QElapsedTimer m_runClock;
  double m_runToHeatmapMs = 0;
  QString m_lastError;
};
