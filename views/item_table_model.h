// The items of a dataset as a table (name, brand, categories, image size) with a thumbnail as the
// decoration of the name column. Thumbnails are decoded lazily and cached (at most kCacheSize);
// decoding failures show no thumbnail and a tooltip with the reason instead of failing the view.
#pragma once
#include <QAbstractTableModel>
#include <QCache>
#include <QImage>
#include <memory>
#include <vector>

#include "data/dataset.h"

class ItemTableModel : public QAbstractTableModel {
  Q_OBJECT
 public:
  enum Column { Name, Brand, Categories, Image, ColumnCount };
  enum Role { ItemIdRole = Qt::UserRole + 1 };
  static constexpr int kThumbnailSize = 48;
  static constexpr int kCacheSize = 2000;

  explicit ItemTableModel(QObject* parent = nullptr);
  // The model keeps a pointer to the dataset: it must outlive the model or be replaced first.
  void setDataset(const tmf::Dataset* dataset);

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

 private:
  QImage thumbnail(const tmf::Item& item) const;
  const tmf::Dataset* m_dataset = nullptr;
  std::vector<tmf::Item> m_items;
  mutable QCache<qint64, QImage> m_thumbnails;
  mutable QHash<qint64, QString> m_errors;
};
