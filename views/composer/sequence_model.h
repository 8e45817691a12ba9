// The composer's behavior sequence as a list model: one row per step, oldest first, showing the
// step number, the behavior and the item name with the item's thumbnail and behavior glyph. Items
// dropped from the gallery (item_drag.h) are inserted where they land; steps dragged within the
// list (kStepMimeType) are moved. Every change goes through the Composition (undoable); the model
// resets itself when the composition's steps change.
#pragma once
#include "composer/composition_list_model.h"

extern const char* const kStepMimeType;

class SequenceModel : public CompositionListModel {
  Q_OBJECT
 public:
  enum Role { ItemIdRole = Qt::UserRole + 1, BehaviorIdRole };
  static constexpr int kIconSize = 64;

  SequenceModel(Composition* composition, ThumbnailCache* thumbnails, QObject* parent = nullptr);
  int rowCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  Qt::ItemFlags flags(const QModelIndex& index) const override;
  Qt::DropActions supportedDragActions() const override { return Qt::CopyAction; }
  QStringList mimeTypes() const override;
  QMimeData* mimeData(const QModelIndexList& indexes) const override;
  bool canDropMimeData(const QMimeData* data, Qt::DropAction action, int row, int column,
                       const QModelIndex& parent) const override;
  bool dropMimeData(const QMimeData* data, Qt::DropAction action, int row, int column, const QModelIndex& parent) override;

 protected:
  qint64 itemIdAt(int row) const override;
};
