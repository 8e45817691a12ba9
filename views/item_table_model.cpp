#include "item_table_model.h"

#include <exception>

#include "data/image.h"

ItemTableModel::ItemTableModel(QObject* parent) : QAbstractTableModel(parent) { m_thumbnails.setMaxCost(kCacheSize); }

void ItemTableModel::setDataset(const tmf::Dataset* dataset) {
  beginResetModel();
  m_dataset = dataset;
  m_items = dataset ? dataset->items() : std::vector<tmf::Item>{};
  m_thumbnails.clear();
  m_errors.clear();
  endResetModel();
}

int ItemTableModel::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : int(m_items.size()); }
int ItemTableModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

QImage ItemTableModel::thumbnail(const tmf::Item& item) const {
  if (item.image_format.empty() || !m_dataset) return {};
  if (auto* cached = m_thumbnails.object(item.id)) return *cached;
  if (m_errors.contains(item.id)) return {};
  try {
    // Decoding goes through core (size limits enforced) rather than QImage's own loaders.
    tmf::RgbImage rgb = tmf::decode_image(m_dataset->item_image(item.id), "of item " + item.external_id);
    QImage img(rgb.rgb.data(), rgb.width, rgb.height, rgb.width * 3, QImage::Format_RGB888);
    auto* thumb = new QImage(img.scaled(kThumbnailSize, kThumbnailSize, Qt::KeepAspectRatio, Qt::SmoothTransformation));
    m_thumbnails.insert(item.id, thumb);
    return *thumb;
  } catch (const std::exception& e) {
    m_errors.insert(item.id, QString::fromStdString(e.what()));
    return {};
  }
}

QVariant ItemTableModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= int(m_items.size())) return {};
  const tmf::Item& it = m_items[size_t(index.row())];
  if (role == ItemIdRole) return qlonglong(it.id);
  if (role == Qt::DisplayRole) {
    switch (index.column()) {
      case Name: return QString::fromStdString(it.name);
      case Brand: return QString::fromStdString(it.brand);
      case Categories: return QString::fromStdString(it.categories).replace(QLatin1Char('|'), QStringLiteral(" › "));
      case Image:
        return it.image_format.empty() ? QString()
                                       : QStringLiteral("%1 %2×%3").arg(QString::fromStdString(it.image_format))
                                             .arg(it.image_width).arg(it.image_height);
    }
  }
  if (role == Qt::DecorationRole && index.column() == Name) {
    QImage t = thumbnail(it);
    return t.isNull() ? QVariant() : QVariant(t);
  }
  if (role == Qt::ToolTipRole) {
    if (m_errors.contains(it.id)) return m_errors.value(it.id);
    return QString::fromStdString(it.text());
  }
  return {};
}

QVariant ItemTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
  static const char* kNames[] = {"Item", "Brand", "Categories", "Image"};
  return section >= 0 && section < ColumnCount ? QString::fromLatin1(kNames[section]) : QVariant();
}
