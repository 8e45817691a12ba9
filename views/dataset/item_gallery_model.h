// The items of the open dataset as a list model for a virtualised thumbnail grid (QListView in
// icon mode): name as display text, the thumbnail as decoration (a neutral placeholder until the
// ThumbnailCache has decoded it off the UI thread), the item's text as tooltip (or why its image
// cannot be shown). Items are dragged into the composer as item ids (item_drag.h).
#pragma once
#include <QAbstractListModel>
#include <QImage>
#include <memory>

struct LoadedDataset;
class ThumbnailCache;

class ItemGalleryModel : public QAbstractListModel {
  Q_OBJECT
 public:
  enum Role { ItemIdRole = Qt::UserRole + 1, BrandRole, CategoriesRole, HasImageRole };

  ItemGalleryModel(ThumbnailCache* thumbnails, QObject* parent = nullptr);
  void setDataset(std::shared_ptr<const LoadedDataset> dataset);

  int rowCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  Qt::ItemFlags flags(const QModelIndex& index) const override;
  QStringList mimeTypes() const override;
  QMimeData* mimeData(const QModelIndexList& indexes) const override;

 private:
  void onThumbnailReady(qint64 id);
  ThumbnailCache* m_thumbnails;
  std::shared_ptr<const LoadedDataset> m_dataset;
  QImage m_placeholder;
};
