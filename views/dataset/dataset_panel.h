// The Dataset panel: the item gallery (a virtualised thumbnail grid; thumbnails decoded off the UI
// thread), search by name/brand/category, category and image filters, the selected item's
// details; the users with their sequences as a timeline of thumbnails with behavior glyphs ("use
// as a starting point" hands the sequence to the composer); Table 1 of the open dataset.
#pragma once
#include <QWidget>
#include <memory>
#include <vector>

#include "data/case_study.h"

class DatasetStatsModel;
class ItemDetailView;
class ItemFilterModel;
class ItemGalleryModel;
class QComboBox;
class QLabel;
class QLineEdit;
class QListView;
class QStringListModel;
class QTabWidget;
class QSpinBox;
class ThumbnailCache;
class UserTimelineModel;
struct LoadedDataset;

class DatasetPanel : public QWidget {
  Q_OBJECT
 public:
  DatasetPanel(ThumbnailCache* thumbnails, QWidget* parent = nullptr);
  void setDataset(std::shared_ptr<LoadedDataset> dataset);

  ItemGalleryModel* galleryModel() const { return m_gallery; }
  ItemFilterModel* filterModel() const { return m_filter; }
  QListView* galleryView() const { return m_galleryView; }
  UserTimelineModel* timelineModel() const { return m_timeline; }
  ItemDetailView* detailView() const { return m_detail; }
  QTabWidget* tabs() const { return m_tabs; }
  DatasetStatsModel* statsModel() const { return m_stats; }
  void setSearch(const QString& text);
  void showUser(int row);  // row in the user list
  QList<qint64> selectedItems() const;

 Q_SIGNALS:
  void itemsActivated(const QList<qint64>& ids);             // double-click: add to the sequence
  void startingPoint(const std::vector<tmf::CaseStep>& steps);  // a user's sequence for the composer

 private:
  std::shared_ptr<LoadedDataset> m_dataset;
  ThumbnailCache* m_thumbnails;
  QTabWidget* m_tabs;
  ItemGalleryModel* m_gallery;
  ItemFilterModel* m_filter;
  QListView* m_galleryView;
  QLineEdit* m_search;
  QComboBox* m_category;
  QLabel* m_count;
  ItemDetailView* m_detail;
  QStringListModel* m_users;
  QListView* m_userView;
  UserTimelineModel* m_timeline;
  QListView* m_timelineView;
  QSpinBox* m_lastSteps;
  DatasetStatsModel* m_stats;
};
