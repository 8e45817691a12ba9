#include "dataset/user_timeline_model.h"

#include <QDateTime>
#include <QPixmap>

#include "item_drag.h"
#include "item_tile.h"
#include "loaded_dataset.h"
#include "thumbnail_cache.h"

UserTimelineModel::UserTimelineModel(ThumbnailCache* thumbnails, QObject* parent)
    : QAbstractListModel(parent), m_thumbnails(thumbnails) {
  connect(m_thumbnails, &ThumbnailCache::thumbnailReady, this, [this](qint64 id) {
    for (size_t i = 0; i < m_events.size(); ++i)
      if (m_events[i].item_id == id) Q_EMIT dataChanged(index(int(i)), index(int(i)), {Qt::DecorationRole});
  });
}

void UserTimelineModel::setDataset(std::shared_ptr<const LoadedDataset> dataset) {
  beginResetModel();
  m_dataset = std::move(dataset);
  m_events.clear();
  m_user = 0;
  endResetModel();
}

void UserTimelineModel::setUser(qint64 userId) {
  std::vector<tmf::Event> events = m_dataset ? m_dataset->dataset->user_events(userId) : std::vector<tmf::Event>{};
  beginResetModel();
  m_user = userId;
  m_events = std::move(events);
  endResetModel();
}

std::vector<tmf::CaseStep> UserTimelineModel::steps(int last) const {
  std::vector<tmf::CaseStep> out;
  const size_t from = last > 0 && size_t(last) < m_events.size() ? m_events.size() - size_t(last) : 0;
  for (size_t i = from; i < m_events.size(); ++i) out.push_back({m_events[i].item_id, m_events[i].behavior_id});
  return out;
}

int UserTimelineModel::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : int(m_events.size()); }

QVariant UserTimelineModel::data(const QModelIndex& index, int role) const {
  if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid) || !m_dataset) return {};
  const tmf::Event& e = m_events[size_t(index.row())];
  const tmf::Item* item = m_dataset->item(e.item_id);
  const QString name = item ? QString::fromStdString(item->name) : tr("item %1").arg(e.item_id);
  switch (role) {
    case Qt::DisplayRole: return QStringLiteral("%1\n%2").arg(m_dataset->behaviorName(e.behavior_id), name);
    case Qt::ToolTipRole:
      return tr("%1 %2 at %3").arg(m_dataset->behaviorName(e.behavior_id), name,
                                   QDateTime::fromSecsSinceEpoch(e.ts, Qt::UTC).toString(Qt::ISODate));
    case ItemIdRole: return qlonglong(e.item_id);
    case BehaviorIdRole: return qlonglong(e.behavior_id);
    case Qt::DecorationRole: {
      const BehaviorGlyph g = m_dataset->glyph(e.behavior_id);
      const QImage thumb = item && !item->image_format.empty() ? m_thumbnails->thumbnail(e.item_id) : QImage();
      return itemTile(thumb, name, &g, kIconSize);
    }
    default: return {};
  }
}

Qt::ItemFlags UserTimelineModel::flags(const QModelIndex& index) const {
  Qt::ItemFlags f = QAbstractListModel::flags(index);
  return index.isValid() ? f | Qt::ItemIsDragEnabled : f;
}

QStringList UserTimelineModel::mimeTypes() const { return {itemIdsMimeType()}; }

QMimeData* UserTimelineModel::mimeData(const QModelIndexList& indexes) const { return itemIdsMime(indexes, ItemIdRole); }
