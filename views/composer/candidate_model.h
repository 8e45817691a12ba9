// The composer's candidate list as a list model: presentation order, item thumbnail and name, and a
// check box marking the expected answer (at most one; checking another moves the mark). Items
// dropped from the gallery are appended. Edits go through the Composition (undoable).
#pragma once
#include "composer/composition_list_model.h"

class CandidateModel : public CompositionListModel {
  Q_OBJECT
 public:
  enum Role { ItemIdRole = Qt::UserRole + 1 };
  static constexpr int kIconSize = 40;

  CandidateModel(Composition* composition, ThumbnailCache* thumbnails, QObject* parent = nullptr);
  int rowCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  bool setData(const QModelIndex& index, const QVariant& value, int role = Qt::EditRole) override;
  Qt::ItemFlags flags(const QModelIndex& index) const override;
  QStringList mimeTypes() const override;
  bool canDropMimeData(const QMimeData* data, Qt::DropAction action, int row, int column,
                       const QModelIndex& parent) const override;
  bool dropMimeData(const QMimeData* data, Qt::DropAction action, int row, int column, const QModelIndex& parent) override;

 protected:
  qint64 itemIdAt(int row) const override;
};
