#include "rating/tmf_source_runner.h"

#include <exception>

#include "data/dataset.h"
#include "util/error.h"

TmfSourceRunner::TmfSourceRunner(QObject* parent) : QObject(parent) {
  m_worker = new QObject;
  m_worker->moveToThread(&m_thread);
  connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
  m_thread.setObjectName(QStringLiteral("tmf-source"));
  m_thread.start();
}

TmfSourceRunner::~TmfSourceRunner() {
  m_cancel = true;
  m_thread.quit();
  m_thread.wait();
}

void TmfSourceRunner::setBusy(bool b) {
  if (m_busy == b) return;
  m_busy = b;
  Q_EMIT busyChanged(b);
}

void TmfSourceRunner::start(const QString& datasetPath, int64_t studyId, const QString& packageDir,
                            const QString& sourceName) {
  if (m_busy) {
    Q_EMIT finished(false, tr("another source is being produced"));
    return;
  }
  if (!m_recommender) {
    Q_EMIT finished(false, tr("this program has no TMF inference"));
    return;
  }
  m_cancel = false;
  setBusy(true);
  const std::string path = datasetPath.toStdString(), dir = packageDir.toStdString(), src = sourceName.toStdString();
  const Recommender fn = m_recommender;
  QMetaObject::invokeMethod(m_worker, [this, path, dir, src, studyId, fn] {
    QString message;
    bool ok = false;
    try {
      tmf::Dataset ds = tmf::Dataset::open(path);  // the worker's own connection
      tmf::Progress progress;
      progress.cancel = &m_cancel;
      progress.callback = [this](const tmf::ProgressEvent& ev) {
        const double done = ev.done, total = ev.total;
        QMetaObject::invokeMethod(this, [this, done, total] { Q_EMIT progressed(done, total); }, Qt::QueuedConnection);
      };
      auto recs = fn(ds, studyId, dir, progress);
      tmf::add_source(ds, studyId, src, "tmf", dir, recs);
      ok = true;
      message = tr("Source '%1': %2 recommendations").arg(QString::fromStdString(src)).arg(recs.size());
    } catch (const tmf::Cancelled&) {
      message = tr("cancelled; nothing was stored");
    } catch (const std::exception& e) {
      message = QString::fromStdString(e.what());
    }
    QMetaObject::invokeMethod(this, [this, ok, message] {
      setBusy(false);
      Q_EMIT finished(ok, message);
    }, Qt::QueuedConnection);
  }, Qt::QueuedConnection);
}
