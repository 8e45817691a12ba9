// What the composer's two list models (SequenceModel, CandidateModel) share: each shows one list
// of a Composition, resets when that list or the dataset changes, refreshes a row's thumbnail when
// the ThumbnailCache has decoded it, and takes drops (item ids from the gallery, item_drag.h).
#pragma once
#include <QAbstractListModel>

class Composition;
class ThumbnailCache;

class CompositionListModel : public QAbstractListModel {
  Q_OBJECT
 public:
  Qt::DropActions supportedDropActions() const override { return Qt::CopyAction | Qt::MoveAction; }

 protected:
  // listChanged: the Composition signal of the list shown (stepsChanged, candidatesChanged).
  CompositionListModel(Composition* composition, ThumbnailCache* thumbnails, void (Composition::*listChanged)(),
                       QObject* parent);
  virtual qint64 itemIdAt(int row) const = 0;  // the item shown in `row`

  Composition* m_composition;
  ThumbnailCache* m_thumbnails;
};
