#include "dataset/item_filter_model.h"

#include "dataset/item_gallery_model.h"

ItemFilterModel::ItemFilterModel(QObject* parent) : QSortFilterProxyModel(parent) {}

void ItemFilterModel::setSearch(const QString& text) {
  m_words = text.simplified().split(QLatin1Char(' '), Qt::SkipEmptyParts);
  invalidateFilter();
}

void ItemFilterModel::setCategory(const QString& category) {
  m_category = category;
  invalidateFilter();
}

void ItemFilterModel::setOnlyWithImages(bool on) {
  m_onlyWithImages = on;
  invalidateFilter();
}

bool ItemFilterModel::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const {
  const QModelIndex i = sourceModel()->index(sourceRow, 0, sourceParent);
  if (m_onlyWithImages && !i.data(ItemGalleryModel::HasImageRole).toBool()) return false;
  const QString categories = i.data(ItemGalleryModel::CategoriesRole).toString();
  if (!m_category.isEmpty() && !categories.split(QLatin1Char('|')).contains(m_category)) return false;
  if (m_words.isEmpty()) return true;
  const QString hay = i.data(Qt::DisplayRole).toString() + QLatin1Char(' ') +
                      i.data(ItemGalleryModel::BrandRole).toString() + QLatin1Char(' ') + categories;
  for (const QString& w : m_words)
    if (!hay.contains(w, Qt::CaseInsensitive)) return false;
  return true;
}
