#include "composer/composition_list_model.h"

#include "composer/composition.h"
#include "thumbnail_cache.h"

CompositionListModel::CompositionListModel(Composition* composition, ThumbnailCache* thumbnails,
                                           void (Composition::*listChanged)(), QObject* parent)
    : QAbstractListModel(parent), m_composition(composition), m_thumbnails(thumbnails) {
  auto reset = [this] {
    beginResetModel();
    endResetModel();
  };
  connect(m_composition, listChanged, this, reset);
  connect(m_composition, &Composition::datasetChanged, this, reset);
  connect(m_thumbnails, &ThumbnailCache::thumbnailReady, this, [this](qint64 id) {
    for (int r = 0; r < rowCount(); ++r)
      if (itemIdAt(r) == id) Q_EMIT dataChanged(index(r), index(r), {Qt::DecorationRole});
  });
}
