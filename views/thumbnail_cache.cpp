#include "thumbnail_cache.h"

#include <exception>
#include <memory>

#include "data/dataset.h"
#include "data/image.h"

ThumbnailCache::ThumbnailCache(QObject* parent) : QObject(parent) { m_cache.setMaxCost(kCacheSize); }

ThumbnailCache::~ThumbnailCache() { stopWorker(); }

void ThumbnailCache::stopWorker() {
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_stop = true;
    m_queue.clear();
  }
  m_wake.notify_all();
  if (m_worker.joinable()) m_worker.join();
}

void ThumbnailCache::setDataset(const QString& path) {
  stopWorker();
  const uint64_t generation = ++m_generation;
  m_cache.clear();
  m_errors.clear();
  m_requested.clear();
  m_decoded = 0;
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_stop = false;
  }
  if (!path.isEmpty()) m_worker = std::thread(&ThumbnailCache::workerLoop, this, path.toStdString(), generation);
}

QImage ThumbnailCache::thumbnail(qint64 itemId) {
  if (QImage* img = m_cache.object(itemId)) return *img;
  if (m_errors.contains(itemId) || itemId < 0 || !m_worker.joinable()) return {};
  std::lock_guard<std::mutex> lock(m_mutex);
  if (m_requested.contains(itemId)) {
    // Still queued: move it to the back so that what is on screen now comes first.
    for (auto it = m_queue.begin(); it != m_queue.end(); ++it)
      if (*it == itemId) { m_queue.erase(it); break; }
  }
  m_requested.insert(itemId);
  m_queue.push_back(itemId);
  while (m_queue.size() > kMaxPending) {
    m_requested.remove(m_queue.front());
    m_queue.pop_front();
  }
  m_wake.notify_one();
  return {};
}

bool ThumbnailCache::isPending(qint64 itemId) const { return m_requested.contains(itemId); }

void ThumbnailCache::putImage(qint64 itemId, const QImage& image) {
  m_errors.remove(itemId);
  if (image.isNull()) m_cache.remove(itemId);
  else m_cache.insert(itemId, new QImage(image.scaled(kSize, kSize, Qt::KeepAspectRatio, Qt::SmoothTransformation)));
  Q_EMIT thumbnailReady(itemId);
}

QImage ThumbnailCache::decodeThumbnail(const std::vector<uint8_t>& bytes, int size, const std::string& what) {
  tmf::RgbImage rgb = tmf::decode_image(bytes, what);
  QImage view(rgb.rgb.data(), rgb.width, rgb.height, rgb.width * 3, QImage::Format_RGB888);
  return view.scaled(size, size, Qt::KeepAspectRatio, Qt::SmoothTransformation);  // deep copy
}

void ThumbnailCache::workerLoop(std::string path, uint64_t generation) {
  std::unique_ptr<tmf::Dataset> ds;
  QString openError;
  try {
    ds = std::make_unique<tmf::Dataset>(tmf::Dataset::open(path, /*read_only=*/true));
  } catch (const std::exception& e) {
    openError = QString::fromStdString(e.what());
  }
  for (;;) {
    qint64 id = 0;
    {
      std::unique_lock<std::mutex> lock(m_mutex);
      m_wake.wait(lock, [&] { return m_stop || !m_queue.empty(); });
      if (m_stop) return;
      id = m_queue.back();
      m_queue.pop_back();
    }
    QImage img;
    QString error = openError;
    if (ds) {
      try {
        std::vector<uint8_t> bytes = ds->item_image(id);
        if (bytes.empty()) error = QStringLiteral("item has no image");
        else img = decodeThumbnail(bytes, kSize, "of item " + std::to_string(id));
      } catch (const std::exception& e) {
        error = QString::fromStdString(e.what());
      }
    }
    QMetaObject::invokeMethod(this, [this, generation, id, img, error] { deliver(generation, id, img, error); },
                              Qt::QueuedConnection);
  }
}

void ThumbnailCache::deliver(uint64_t generation, qint64 id, QImage image, QString error) {
  if (generation != m_generation) return;  // from a dataset closed since
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_requested.remove(id);
  }
  if (image.isNull()) m_errors.insert(id, error);
  else m_cache.insert(id, new QImage(std::move(image)));
  ++m_decoded;
  Q_EMIT thumbnailReady(id);
}
