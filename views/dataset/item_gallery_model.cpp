#include "dataset/item_gallery_model.h"

#include <QPainter>

#include "item_drag.h"
#include "loaded_dataset.h"
#include "thumbnail_cache.h"

ItemGalleryModel::ItemGalleryModel(ThumbnailCache* thumbnails, QObject* parent)
    : QAbstractListModel(parent), m_thumbnails(thumbnails) {
  m_placeholder = QImage(ThumbnailCache::kSize, ThumbnailCache::kSize, QImage::Format_RGB32);
  m_placeholder.fill(QColor(0xE8, 0xE8, 0xE8));
  connect(m_thumbnails, &ThumbnailCache::thumbnailReady, this, &ItemGalleryModel::onThumbnailReady);
}

void ItemGalleryModel::setDataset(std::shared_ptr<const LoadedDataset> dataset) {
  beginResetModel();
  m_dataset = std::move(dataset);
  endResetModel();
}

int ItemGalleryModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() || !m_dataset ? 0 : int(m_dataset->items.size());
}

QVariant ItemGalleryModel::data(const QModelIndex& index, int role) const {
  if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid) || !m_dataset) return {};
  const tmf::Item& it = m_dataset->items[size_t(index.row())];
  switch (role) {
    case Qt::DisplayRole: return QString::fromStdString(it.name);
    case ItemIdRole: return qlonglong(it.id);
    case BrandRole: return QString::fromStdString(it.brand);
    case CategoriesRole: return QString::fromStdString(it.categories);
    case HasImageRole: return !it.image_format.empty();
    case Qt::DecorationRole: {
      if (it.image_format.empty()) return m_placeholder;
      QImage img = m_thumbnails->thumbnail(it.id);
      return img.isNull() ? m_placeholder : img;
    }
    case Qt::ToolTipRole: {
      QString err = m_thumbnails->error(it.id);
      QString text = QString::fromStdString(it.text());
      return err.isEmpty() || it.image_format.empty() ? text : tr("Image cannot be shown: %1\n\n%2").arg(err, text);
    }
    default: return {};
  }
}

Qt::ItemFlags ItemGalleryModel::flags(const QModelIndex& index) const {
  Qt::ItemFlags f = QAbstractListModel::flags(index);
  return index.isValid() ? f | Qt::ItemIsDragEnabled : f;
}

QStringList ItemGalleryModel::mimeTypes() const { return {itemIdsMimeType()}; }

QMimeData* ItemGalleryModel::mimeData(const QModelIndexList& indexes) const { return itemIdsMime(indexes, ItemIdRole); }

void ItemGalleryModel::onThumbnailReady(qint64 id) {
  if (!m_dataset) return;
  auto it = m_dataset->indexOfItem.constFind(id);
  if (it == m_dataset->indexOfItem.constEnd()) return;
  QModelIndex i = index(*it);
  Q_EMIT dataChanged(i, i, {Qt::DecorationRole, Qt::ToolTipRole});
}
