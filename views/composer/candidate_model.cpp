#include "composer/candidate_model.h"

#include <QMimeData>
#include <QPixmap>
#include <exception>

#include "composer/composition.h"
#include "item_drag.h"
#include "item_tile.h"
#include "thumbnail_cache.h"

CandidateModel::CandidateModel(Composition* composition, ThumbnailCache* thumbnails, QObject* parent)
    : CompositionListModel(composition, thumbnails, &Composition::candidatesChanged, parent) {}

qint64 CandidateModel::itemIdAt(int row) const { return m_composition->candidates()[size_t(row)]; }

int CandidateModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : int(m_composition->candidates().size());
}

QVariant CandidateModel::data(const QModelIndex& index, int role) const {
  if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
  const qint64 id = m_composition->candidates()[size_t(index.row())];
  const bool expected = m_composition->caseStudy().expected == index.row();
  switch (role) {
    case Qt::DisplayRole:
      return QStringLiteral("%1. %2%3").arg(index.row() + 1).arg(m_composition->itemName(id),
                                                                  expected ? tr("  ★ expected") : QString());
    case Qt::ToolTipRole: return tr("Check to mark the expected answer");
    case Qt::CheckStateRole: return expected ? Qt::Checked : Qt::Unchecked;
    case ItemIdRole: return qlonglong(id);
    case Qt::DecorationRole: {
      const QImage thumb = id < 0 ? m_composition->newItemImage(id) : m_thumbnails->thumbnail(id);
      return itemTile(thumb, m_composition->itemName(id), nullptr, kIconSize);
    }
    default: return {};
  }
}

bool CandidateModel::setData(const QModelIndex& index, const QVariant& value, int role) {
  if (role != Qt::CheckStateRole || !index.isValid()) return false;
  const bool on = value.toInt() == Qt::Checked;
  m_composition->setExpected(on ? index.row() : (m_composition->caseStudy().expected == index.row() ? -1 : m_composition->caseStudy().expected));
  return true;
}

Qt::ItemFlags CandidateModel::flags(const QModelIndex& index) const {
  Qt::ItemFlags f = QAbstractListModel::flags(index);
  return index.isValid() ? f | Qt::ItemIsUserCheckable : f | Qt::ItemIsDropEnabled;
}

QStringList CandidateModel::mimeTypes() const { return {itemIdsMimeType()}; }

bool CandidateModel::canDropMimeData(const QMimeData* data, Qt::DropAction, int, int, const QModelIndex&) const {
  return data && data->hasFormat(itemIdsMimeType());
}

bool CandidateModel::dropMimeData(const QMimeData* data, Qt::DropAction action, int row, int column,
                                  const QModelIndex& parent) {
  if (!canDropMimeData(data, action, row, column, parent)) return false;
  try {
    m_composition->addCandidates(itemIdsFromMime(data));
    return true;
  } catch (const std::exception&) {
    return false;
  }
}
