#include "dataset/dataset_panel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QStringListModel>
#include <QTabWidget>
#include <QTableView>
#include <QVBoxLayout>
#include <set>

#include "dataset/item_detail_view.h"
#include "dataset/item_filter_model.h"
#include "dataset/item_gallery_model.h"
#include "dataset/user_timeline_model.h"
#include "dataset_stats_model.h"
#include "loaded_dataset.h"
#include "thumbnail_cache.h"

DatasetPanel::DatasetPanel(ThumbnailCache* thumbnails, QWidget* parent) : QWidget(parent), m_thumbnails(thumbnails) {
  // Gallery.
  m_gallery = new ItemGalleryModel(thumbnails, this);
  m_filter = new ItemFilterModel(this);
  m_filter->setSourceModel(m_gallery);
  m_search = new QLineEdit;
  m_search->setPlaceholderText(tr("Search items by name, brand or category"));
  m_search->setClearButtonEnabled(true);
  m_category = new QComboBox;
  m_category->setMinimumContentsLength(14);
  auto* withImages = new QCheckBox(tr("with image"));
  m_count = new QLabel;
  m_galleryView = new QListView;
  m_galleryView->setObjectName(QStringLiteral("gallery"));
  m_galleryView->setModel(m_filter);
  m_galleryView->setViewMode(QListView::IconMode);
  m_galleryView->setUniformItemSizes(true);
  m_galleryView->setLayoutMode(QListView::Batched);
  m_galleryView->setBatchSize(400);
  m_galleryView->setResizeMode(QListView::Adjust);
  m_galleryView->setMovement(QListView::Static);
  m_galleryView->setIconSize(QSize(ThumbnailCache::kSize, ThumbnailCache::kSize));
  m_galleryView->setGridSize(QSize(ThumbnailCache::kSize + 40, ThumbnailCache::kSize + 38));
  m_galleryView->setWordWrap(true);
  m_galleryView->setTextElideMode(Qt::ElideRight);
  m_galleryView->setSelectionMode(QAbstractItemView::ExtendedSelection);
  m_galleryView->setDragEnabled(true);
  m_galleryView->setDragDropMode(QAbstractItemView::DragOnly);
  m_detail = new ItemDetailView;
  auto* filterBar = new QHBoxLayout;
  filterBar->addWidget(m_search, 2);
  filterBar->addWidget(m_category, 1);
  filterBar->addWidget(withImages);
  filterBar->addWidget(m_count);
  auto* gallerySplit = new QSplitter;
  gallerySplit->addWidget(m_galleryView);
  gallerySplit->addWidget(m_detail);
  gallerySplit->setStretchFactor(0, 3);
  gallerySplit->setStretchFactor(1, 1);
  auto* galleryPage = new QWidget;
  auto* galleryLayout = new QVBoxLayout(galleryPage);
  galleryLayout->addLayout(filterBar);
  galleryLayout->addWidget(gallerySplit, 1);

  // Users.
  m_users = new QStringListModel(this);
  m_userView = new QListView;
  m_userView->setModel(m_users);
  m_userView->setEditTriggers(QAbstractItemView::NoEditTriggers);
  m_userView->setMaximumWidth(220);
  m_timeline = new UserTimelineModel(thumbnails, this);
  m_timelineView = new QListView;
  m_timelineView->setObjectName(QStringLiteral("timeline"));
  m_timelineView->setModel(m_timeline);
  m_timelineView->setViewMode(QListView::IconMode);
  m_timelineView->setFlow(QListView::LeftToRight);
  m_timelineView->setWrapping(true);
  m_timelineView->setResizeMode(QListView::Adjust);
  m_timelineView->setMovement(QListView::Static);
  m_timelineView->setIconSize(QSize(UserTimelineModel::kIconSize, UserTimelineModel::kIconSize));
  m_timelineView->setGridSize(QSize(130, UserTimelineModel::kIconSize + 44));
  m_timelineView->setWordWrap(true);
  m_timelineView->setDragEnabled(true);
  m_lastSteps = new QSpinBox;
  m_lastSteps->setRange(0, 1000);
  m_lastSteps->setValue(10);
  m_lastSteps->setSpecialValueText(tr("all"));
  m_lastSteps->setToolTip(tr("How many of the latest events to take (0 = all)"));
  auto* use = new QPushButton(tr("Use as a starting point →"));
  auto* userBar = new QHBoxLayout;
  userBar->addWidget(new QLabel(tr("Latest events")));
  userBar->addWidget(m_lastSteps);
  userBar->addStretch(1);
  userBar->addWidget(use);
  auto* timelineBox = new QWidget;
  auto* timelineLayout = new QVBoxLayout(timelineBox);
  timelineLayout->setContentsMargins(0, 0, 0, 0);
  timelineLayout->addWidget(m_timelineView, 1);
  timelineLayout->addLayout(userBar);
  auto* usersPage = new QSplitter;
  usersPage->addWidget(m_userView);
  usersPage->addWidget(timelineBox);
  usersPage->setStretchFactor(1, 1);

  // Table 1.
  m_stats = new DatasetStatsModel(this);
  auto* statsView = new QTableView;
  statsView->setModel(m_stats);
  statsView->horizontalHeader()->setStretchLastSection(true);

  m_tabs = new QTabWidget;
  m_tabs->addTab(galleryPage, tr("Items"));
  m_tabs->addTab(usersPage, tr("Users"));
  m_tabs->addTab(statsView, tr("Statistics (Table 1)"));
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(m_tabs);

  auto updateCount = [this] {
    m_count->setText(tr("%1 of %2").arg(m_filter->rowCount()).arg(m_gallery->rowCount()));
  };
  connect(m_search, &QLineEdit::textChanged, this, [this, updateCount](const QString& t) {
    m_filter->setSearch(t);
    updateCount();
  });
  connect(m_category, &QComboBox::currentIndexChanged, this, [this, updateCount] {
    m_filter->setCategory(m_category->currentData().toString());
    updateCount();
  });
  connect(withImages, &QCheckBox::toggled, this, [this, updateCount](bool on) {
    m_filter->setOnlyWithImages(on);
    updateCount();
  });
  connect(m_gallery, &QAbstractItemModel::modelReset, this, updateCount);
  connect(m_galleryView->selectionModel(), &QItemSelectionModel::currentChanged, this,
          [this](const QModelIndex& i) {
            if (i.isValid()) m_detail->showItem(i.data(ItemGalleryModel::ItemIdRole).toLongLong());
          });
  connect(m_galleryView, &QListView::doubleClicked, this, [this](const QModelIndex& i) {
    Q_EMIT itemsActivated({i.data(ItemGalleryModel::ItemIdRole).toLongLong()});
  });
  connect(m_userView->selectionModel(), &QItemSelectionModel::currentChanged, this,
          [this](const QModelIndex& i) { if (i.isValid()) showUser(i.row()); });
  connect(use, &QPushButton::clicked, this, [this] {
    if (m_timeline->rowCount() > 0) Q_EMIT startingPoint(m_timeline->steps(m_lastSteps->value()));
  });
}

void DatasetPanel::setDataset(std::shared_ptr<LoadedDataset> dataset) {
  m_dataset = dataset;
  m_gallery->setDataset(dataset);
  m_detail->setDataset(dataset);
  m_timeline->setDataset(dataset);
  QStringList users;
  QStringList categories;
  if (dataset) {
    users.reserve(int(dataset->userIds.size()));
    for (int64_t id : dataset->userIds) users << tr("user %1").arg(id);
    categories = dataset->categories;  // collected off the UI thread by LoadedDataset::load
    m_stats->setStats({dataset->stats});
  } else {
    m_stats->setStats({});
  }
  m_users->setStringList(users);
  const QSignalBlocker b(m_category);
  m_category->clear();
  m_category->addItem(tr("All categories"), QString());
  for (const QString& c : categories) m_category->addItem(c, c);
  m_filter->setCategory(QString());
}

void DatasetPanel::setSearch(const QString& text) { m_search->setText(text); }

void DatasetPanel::showUser(int row) {
  if (!m_dataset || row < 0 || row >= int(m_dataset->userIds.size())) return;
  try {
    m_timeline->setUser(m_dataset->userIds[size_t(row)]);
  } catch (const std::exception&) {
    m_timeline->setDataset(m_dataset);
  }
}

QList<qint64> DatasetPanel::selectedItems() const {
  QList<qint64> ids;
  for (const QModelIndex& i : m_galleryView->selectionModel()->selectedIndexes())
    ids << i.data(ItemGalleryModel::ItemIdRole).toLongLong();
  return ids;
}
