#include "composer/sequence_model.h"

#include <QMimeData>
#include <QPainter>
#include <QPixmap>
#include <exception>

#include "composer/composition.h"
#include "item_drag.h"
#include "item_tile.h"
#include "loaded_dataset.h"
#include "thumbnail_cache.h"

const char* const kStepMimeType = "application/x-tmf-step-rows";

SequenceModel::SequenceModel(Composition* composition, ThumbnailCache* thumbnails, QObject* parent)
    : CompositionListModel(composition, thumbnails, &Composition::stepsChanged, parent) {}

qint64 SequenceModel::itemIdAt(int row) const { return m_composition->steps()[size_t(row)].item_id; }

int SequenceModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : int(m_composition->steps().size());
}

QVariant SequenceModel::data(const QModelIndex& index, int role) const {
  if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
  const tmf::CaseStep& s = m_composition->steps()[size_t(index.row())];
  const auto& ds = m_composition->dataset();
  const QString behavior = ds ? ds->behaviorName(s.behavior_id) : QString();
  const QString name = m_composition->itemName(s.item_id);
  switch (role) {
    case Qt::DisplayRole: return QStringLiteral("%1. %2\n%3").arg(index.row() + 1).arg(behavior, name);
    case Qt::ToolTipRole: return tr("Step %1: %2 %3%4").arg(index.row() + 1).arg(behavior, name,
                                                                                  s.item_id < 0 ? tr(" (new item)") : QString());
    case ItemIdRole: return qlonglong(s.item_id);
    case BehaviorIdRole: return qlonglong(s.behavior_id);
    case Qt::DecorationRole: {
      const QImage thumb = s.item_id < 0 ? m_composition->newItemImage(s.item_id) : m_thumbnails->thumbnail(s.item_id);
      const BehaviorGlyph g = ds ? ds->glyph(s.behavior_id) : BehaviorGlyph{};
      return itemTile(thumb, name, &g, kIconSize);
    }
    default: return {};
  }
}

Qt::ItemFlags SequenceModel::flags(const QModelIndex& index) const {
  Qt::ItemFlags f = QAbstractListModel::flags(index);
  return index.isValid() ? f | Qt::ItemIsDragEnabled : f | Qt::ItemIsDropEnabled;
}

QStringList SequenceModel::mimeTypes() const {
  return {itemIdsMimeType(), QString::fromLatin1(kStepMimeType)};
}

QMimeData* SequenceModel::mimeData(const QModelIndexList& indexes) const {
  QStringList rows;
  for (const QModelIndex& i : indexes)
    if (i.isValid()) rows << QString::number(i.row());
  auto* mime = new QMimeData;
  mime->setData(QString::fromLatin1(kStepMimeType), rows.join(QLatin1Char('\n')).toUtf8());
  return mime;
}

bool SequenceModel::canDropMimeData(const QMimeData* data, Qt::DropAction, int, int, const QModelIndex&) const {
  return data && (data->hasFormat(itemIdsMimeType()) || data->hasFormat(QString::fromLatin1(kStepMimeType)));
}

bool SequenceModel::dropMimeData(const QMimeData* data, Qt::DropAction action, int row, int, const QModelIndex& parent) {
  if (!canDropMimeData(data, action, row, 0, parent)) return false;
  const int n = int(m_composition->steps().size());
  if (row < 0) row = parent.isValid() ? parent.row() : n;
  try {
    if (data->hasFormat(QString::fromLatin1(kStepMimeType))) {
      const QList<QByteArray> lines = data->data(QString::fromLatin1(kStepMimeType)).split('\n');
      bool ok = false;
      const int from = lines.isEmpty() ? -1 : lines.front().toInt(&ok);
      if (!ok || from < 0 || from >= n) return false;
      // `row` is an insertion point before the move; the step ends up one earlier when it moves down.
      m_composition->moveStep(from, row > from ? row - 1 : row);
      return true;
    }
    const QList<qint64> ids = itemIdsFromMime(data);
    if (ids.isEmpty()) return false;
    m_composition->insertSteps(row, ids);
    return true;
  } catch (const std::exception&) {
    return false;  // unknown item ids: nothing changes
  }
}
