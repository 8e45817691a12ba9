// Search and filters over the item gallery: a case-insensitive search over name, brand and
// categories (all words must match), a category filter (an item matches when any level of its
// category path equals it) and "only items with an image".
#pragma once
#include <QSortFilterProxyModel>
#include <QStringList>

class ItemFilterModel : public QSortFilterProxyModel {
  Q_OBJECT
 public:
  explicit ItemFilterModel(QObject* parent = nullptr);
  void setSearch(const QString& text);
  void setCategory(const QString& category);  // "" = any
  void setOnlyWithImages(bool on);

 protected:
  bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;

 private:
  QStringList m_words;
  QString m_category;
  bool m_onlyWithImages = false;
};
