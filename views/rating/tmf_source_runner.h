// Produces a rating study's TMF source off the UI thread, in InferenceRunner's shape: the runner
// lives on the UI thread and owns a worker QThread; start() queues the job there (the worker opens
// its own connection to the dataset: SQLite connections are not shared across threads) and reports
// back on the UI thread through signals. One job at a time: start() while busy() is refused with
// finished(false, ...). cancel() sets the flag core checks between steps; a cancelled job stores
// nothing. Nothing core throws escapes: every error becomes finished(false, message).
//
// The recommendations come from a producer the program passes (TMF inference needs LibTorch, which
// the views do not link), e.g. tmf::tmf_recommendations.
#pragma once
#include <QObject>
#include <QString>
#include <QThread>
#include <atomic>
#include <functional>
#include <string>
#include <vector>

#include "rating/rating_study.h"
#include "util/progress.h"

class TmfSourceRunner : public QObject {
  Q_OBJECT
 public:
  using Recommender = std::function<std::vector<tmf::Recommendation>(
      const tmf::Dataset& ds, int64_t study_id, const std::string& package_dir, const tmf::Progress& progress)>;

  explicit TmfSourceRunner(QObject* parent = nullptr);
  ~TmfSourceRunner() override;  // cancels and waits for the current job

  void setRecommender(Recommender fn) { m_recommender = std::move(fn); }
  bool hasRecommender() const { return bool(m_recommender); }
  // Recommends for every sampled sequence of `studyId` with the package and stores the source.
  void start(const QString& datasetPath, int64_t studyId, const QString& packageDir, const QString& sourceName);
  void cancel() { m_cancel = true; }
  bool busy() const { return m_busy; }

 Q_SIGNALS:
  void progressed(double done, double total);
  void finished(bool ok, const QString& message);  // message: the summary, or why it failed
  void busyChanged(bool busy);

 private:
  void setBusy(bool b);

  QThread m_thread;
  QObject* m_worker;  // lives on m_thread; a context for queued jobs
  std::atomic<bool> m_cancel{false};
  bool m_busy = false;
  Recommender m_recommender;
};
