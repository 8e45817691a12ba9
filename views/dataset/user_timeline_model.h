// One user's event sequence as a timeline (oldest first): each row an event with the item's
// thumbnail, a behavior glyph in its corner, the behavior, item name and time. For a horizontal
// QListView; thumbnails come from the ThumbnailCache.
#pragma once
#include <QAbstractListModel>
#include <memory>
#include <vector>

#include "data/case_study.h"
#include "data/dataset.h"

struct LoadedDataset;
class ThumbnailCache;

class UserTimelineModel : public QAbstractListModel {
  Q_OBJECT
 public:
  enum Role { ItemIdRole = Qt::UserRole + 1, BehaviorIdRole };
  static constexpr int kIconSize = 64;

  UserTimelineModel(ThumbnailCache* thumbnails, QObject* parent = nullptr);
  void setDataset(std::shared_ptr<const LoadedDataset> dataset);
  void setUser(qint64 userId);  // loads the events (throws tmf::Error for an unknown user)
  qint64 user() const { return m_user; }
  std::vector<tmf::CaseStep> steps(int last = 0) const;  // the events as composer steps (0 = all)

  int rowCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  Qt::ItemFlags flags(const QModelIndex& index) const override;  // events drag into the composer
  QStringList mimeTypes() const override;
  QMimeData* mimeData(const QModelIndexList& indexes) const override;

 private:
  ThumbnailCache* m_thumbnails;
  std::shared_ptr<const LoadedDataset> m_dataset;
  qint64 m_user = 0;
  std::vector<tmf::Event> m_events;
};
