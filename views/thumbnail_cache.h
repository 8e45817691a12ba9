// Item thumbnails decoded off the UI thread and cached. thumbnail(id) returns a cached image at
// once, or a null image after queueing the decode; thumbnailReady(id) follows on the UI thread.
// One worker thread with its own read-only connection to the dataset decodes the most recently
// requested items first (what is on screen now), drops requests that scrolled away long ago
// (kMaxPending) and refuses bad images (core's size limits; the reason is kept for a tooltip).
// Items of a case study (negative ids) are put in directly with putImage().
#pragma once
#include <QCache>
#include <QHash>
#include <QImage>
#include <QObject>
#include <QSet>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

class ThumbnailCache : public QObject {
  Q_OBJECT
 public:
  static constexpr int kSize = 96;         // longest side, pixels
  static constexpr int kCacheSize = 4000;  // images kept
  static constexpr size_t kMaxPending = 512;

  explicit ThumbnailCache(QObject* parent = nullptr);
  ~ThumbnailCache() override;

  // Switches to another dataset file ("" = none): forgets everything, restarts the worker.
  void setDataset(const QString& path);
  QImage thumbnail(qint64 itemId);
  bool isPending(qint64 itemId) const;
  QString error(qint64 itemId) const { return m_errors.value(itemId); }
  void putImage(qint64 itemId, const QImage& image);
  int decodedCount() const { return m_decoded; }

  // Decodes PNG/JPEG bytes through core (size limits enforced) and scales to `size`; throws
  // tmf::Error with `what` in the message.
  static QImage decodeThumbnail(const std::vector<uint8_t>& bytes, int size, const std::string& what);

 Q_SIGNALS:
  void thumbnailReady(qint64 itemId);

 private:
  void stopWorker();
  void workerLoop(std::string path, uint64_t generation);
  void deliver(uint64_t generation, qint64 id, QImage image, QString error);

  QCache<qint64, QImage> m_cache;
  QHash<qint64, QString> m_errors;
  QSet<qint64> m_requested;
  int m_decoded = 0;

  mutable std::mutex m_mutex;
  std::condition_variable m_wake;
  std::deque<qint64> m_queue;  // guarded by m_mutex; back = newest
  bool m_stop = false;         // guarded by m_mutex
  std::thread m_worker;
  std::atomic<uint64_t> m_generation{0};
};
