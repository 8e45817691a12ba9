#include "dataset_window.h"

#include <QApplication>
#include <QFileDialog>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QSortFilterProxyModel>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QVBoxLayout>
#include <exception>

#include "data/stats.h"
#include "dataset_stats_model.h"
#include "item_table_model.h"

DatasetWindow::DatasetWindow(QWidget* parent) : QMainWindow(parent) {
  setWindowTitle(QStringLiteral("TMF Studio"));
  m_items = new ItemTableModel(this);
  m_stats = new DatasetStatsModel(this);
  m_itemFilter = new QSortFilterProxyModel(this);
  m_itemFilter->setSourceModel(m_items);
  m_itemFilter->setFilterCaseSensitivity(Qt::CaseInsensitive);
  m_itemFilter->setFilterKeyColumn(-1);  // name, brand and categories

  auto* itemsPage = new QWidget;
  auto* search = new QLineEdit;
  search->setPlaceholderText(tr("Search items by name, brand or category"));
  search->setClearButtonEnabled(true);
  connect(search, &QLineEdit::textChanged, m_itemFilter, &QSortFilterProxyModel::setFilterFixedString);
  auto* itemView = new QTableView;
  itemView->setModel(m_itemFilter);
  itemView->setSortingEnabled(true);
  itemView->verticalHeader()->setDefaultSectionSize(ItemTableModel::kThumbnailSize + 4);
  itemView->setIconSize(QSize(ItemTableModel::kThumbnailSize, ItemTableModel::kThumbnailSize));
  itemView->horizontalHeader()->setStretchLastSection(true);
  itemView->setColumnWidth(ItemTableModel::Name, 380);
  auto* itemsLayout = new QVBoxLayout(itemsPage);
  itemsLayout->addWidget(search);
  itemsLayout->addWidget(itemView);

  auto* statsView = new QTableView;
  statsView->setModel(m_stats);
  statsView->horizontalHeader()->setStretchLastSection(true);

  m_tabs = new QTabWidget;
  m_tabs->addTab(itemsPage, tr("Items"));
  m_tabs->addTab(statsView, tr("Statistics (Table 1)"));
  setCentralWidget(m_tabs);

  auto* file = menuBar()->addMenu(tr("&File"));
  file->addAction(tr("&Open dataset…"), QKeySequence::Open, this, &DatasetWindow::openWithDialog);
  file->addAction(tr("&Quit"), QKeySequence::Quit, qApp, &QApplication::quit);
  m_status = new QLabel(tr("No dataset open"));
  statusBar()->addWidget(m_status, 1);
  resize(1000, 700);
  QSettings settings;
  restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray());
}

DatasetWindow::~DatasetWindow() {
  QSettings settings;
  settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
  m_items->setDataset(nullptr);
}

bool DatasetWindow::openDataset(const QString& path, bool quiet) {
  try {
    auto ds = std::make_unique<tmf::Dataset>(tmf::Dataset::open(path.toStdString()));
    tmf::DatasetStats stats = tmf::dataset_stats(*ds);
    m_items->setDataset(ds.get());
    m_dataset = std::move(ds);
    m_stats->setStats({stats});
    m_status->setText(tr("%1 — %2 items, %3 users, %4 events")
                          .arg(QString::fromStdString(stats.name)).arg(stats.items).arg(stats.users).arg(stats.events));
    setWindowTitle(QStringLiteral("TMF Studio — %1").arg(path));
    m_error.clear();
    return true;
  } catch (const std::exception& e) {
    m_error = QString::fromStdString(e.what());
    if (!quiet) QMessageBox::warning(this, tr("Cannot open dataset"), m_error);
    return false;
  }
}

void DatasetWindow::openWithDialog() {
  QString path = QFileDialog::getOpenFileName(this, tr("Open dataset"), QString(), tr("TMF datasets (*.tmfdb);;All files (*)"));
  if (!path.isEmpty()) openDataset(path);
}
