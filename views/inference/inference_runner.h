// Runs InferenceSession off the UI thread (PlotJuggler's shape): the runner lives on the UI thread
// and owns a worker QThread; openModel() and run() queue work there and report back on the UI
// thread through signals. The worker opens its own connection to the dataset (SQLite connections
// are not shared across threads). One job at a time: calls while busy() are refused with
// errorOccurred. cancel() sets the flag core checks between steps. Nothing core throws escapes:
// every tmf::Error becomes errorOccurred(title, message).
#pragma once
#include <QObject>
#include <QString>
#include <QThread>
#include <atomic>
#include <memory>

#include "tmf/inference.h"

class InferenceRunner : public QObject {
  Q_OBJECT
 public:
  explicit InferenceRunner(QObject* parent = nullptr);
  ~InferenceRunner() override;  // cancels and waits for the current job

  void openModel(const QString& packageDir, const QString& datasetPath, const QString& device);
  void closeModel();
  void run(const tmf::InferenceRequest& request);
  void cancel();
  bool busy() const { return m_busy; }
  bool hasModel() const { return m_hasModel; }
  const tmf::ModelSummary& summary() const { return m_summary; }
  QString packageDir() const { return m_packageDir; }

  static QString cudaDeviceName();  // "" when this build or machine has no CUDA device

 Q_SIGNALS:
  void modelOpened(const QString& packageDir);
  void resultReady(std::shared_ptr<const tmf::InferenceResult> result);
  void errorOccurred(const QString& title, const QString& message);
  void progressed(const QString& stage, double done, double total);
  void busyChanged(bool busy);

 private:
  struct State;
  void post(const std::function<void(State&)>& job);
  tmf::Progress progress();
  void setBusy(bool b);

  QThread m_thread;
  QObject* m_worker;  // lives on m_thread; a context for queued jobs
  std::shared_ptr<State> m_state;  // used only on m_thread while a job runs
  std::atomic<bool> m_cancel{false};
  bool m_busy = false;
  bool m_hasModel = false;
  tmf::ModelSummary m_summary;
  QString m_packageDir;
};
