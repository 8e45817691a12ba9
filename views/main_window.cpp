#include "main_window.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QStatusBar>
#include <QUndoStack>
#include <QVBoxLayout>

#include "background.h"
#include "composer/composer_panel.h"
#include "composer/composition.h"
#include "dataset/dataset_panel.h"
#include "experiments/experiments_panel.h"
#include "inference/inference_panel.h"
#include "inference/inference_runner.h"
#include "loaded_dataset.h"
#include "thumbnail_cache.h"
#include "rating/ratings_panel.h"
#include "rating/tmf_recommendations.h"

namespace {
constexpr int kMaxRecent = 8;
constexpr int kLayoutVersion = 1;
}  // namespace

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
  setWindowTitle(QStringLiteral("TMF Studio"));
  setDockNestingEnabled(true);
  m_thumbnails = new ThumbnailCache(this);
  m_composition = new Composition(this);
  m_datasetPanel = new DatasetPanel(m_thumbnails);
  m_composerPanel = new ComposerPanel(m_composition, m_thumbnails);
  m_inferencePanel = new InferencePanel(m_composition, m_thumbnails);
  m_experimentsPanel = new ExperimentsPanel;

  QDockWidget* datasetDock = addPanel(tr("Dataset"), QStringLiteral("dock.dataset"), m_datasetPanel, Qt::LeftDockWidgetArea);
  QDockWidget* composerDock = addPanel(tr("Composer"), QStringLiteral("dock.composer"), m_composerPanel, Qt::LeftDockWidgetArea);
  QDockWidget* inferenceDock = addPanel(tr("Inference & Attention"), QStringLiteral("dock.inference"), m_inferencePanel,
                                        Qt::RightDockWidgetArea);
  QDockWidget* experimentsDock = addPanel(tr("Experiments"), QStringLiteral("dock.experiments"), m_experimentsPanel,
                                          Qt::RightDockWidgetArea);
  auto* ratings = new RatingsPanel;
  ratings->setTmfRecommender([](const tmf::Dataset& ds, int64_t study, const std::string& dir, const tmf::Progress& p) {
    return tmf::tmf_recommendations(ds, study, dir, "auto", p);
  });
  connect(this, &MainWindow::datasetOpened, ratings, [this, ratings](bool ok) {
    if (ok && m_dataset) ratings->setDataset(m_dataset->path);
  });
  QWidget* ratingsWidget = ratings;
  QDockWidget* ratingsDock = addPanel(tr("Ratings"), QStringLiteral("dock.ratings"), ratingsWidget, Qt::RightDockWidgetArea);
  splitDockWidget(datasetDock, composerDock, Qt::Vertical);
  tabifyDockWidget(inferenceDock, experimentsDock);
  tabifyDockWidget(inferenceDock, ratingsDock);
  inferenceDock->raise();
  resizeDocks({datasetDock, inferenceDock}, {560, 840}, Qt::Horizontal);

  // Menus.
  QMenu* file = menuBar()->addMenu(tr("&File"));
  file->addAction(tr("&Open dataset…"), QKeySequence::Open, this, [this] {
    const QString path = QFileDialog::getOpenFileName(this, tr("Open dataset"), QString(),
                                                      tr("TMF datasets (*.tmfdb);;All files (*)"));
    if (!path.isEmpty()) openDataset(path);
  });
  m_recentDatasets = file->addMenu(tr("Recent datasets"));
  file->addAction(tr("Open &model…"), this, [this] {
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Open a TMF model package"));
    if (!dir.isEmpty()) openModel(dir);
  });
  m_recentModels = file->addMenu(tr("Recent models"));
  file->addSeparator();
  file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);
  QMenu* edit = menuBar()->addMenu(tr("&Edit"));
  edit->addAction(m_composition->undoStack()->createUndoAction(this));
  edit->addAction(m_composition->undoStack()->createRedoAction(this));
  QMenu* view = menuBar()->addMenu(tr("&View"));
  inferenceDock->toggleViewAction()->setText(tr("Inference && Attention"));  // '&' marks a mnemonic in menus
  for (QDockWidget* d : {datasetDock, composerDock, inferenceDock, experimentsDock, ratingsDock})
    view->addAction(d->toggleViewAction());
  view->addSeparator();
  view->addAction(tr("Reset layout"), this, [this] { restoreState(m_defaultState, kLayoutVersion); });
  rebuildRecentMenus();

  // Status bar.
  m_datasetLabel = new QLabel(tr("No dataset"));
  m_modelLabel = new QLabel(tr("No model"));
  const QString cuda = InferenceRunner::cudaDeviceName();
  m_deviceLabel = new QLabel(cuda.isEmpty() ? tr("Device: CPU") : tr("Device: auto (CUDA %1 available)").arg(cuda));
  statusBar()->addWidget(m_datasetLabel, 2);
  statusBar()->addWidget(m_modelLabel, 2);
  statusBar()->addPermanentWidget(m_deviceLabel);

  // Wiring between panels.
  connect(m_datasetPanel, &DatasetPanel::itemsActivated, m_composerPanel, &ComposerPanel::addItems);
  connect(m_datasetPanel, &DatasetPanel::startingPoint, this, [this](const std::vector<tmf::CaseStep>& steps) {
    try {
      m_composition->replaceSteps(steps, tr("Start from a user's sequence"));
      if (QDockWidget* d = dock(QStringLiteral("dock.composer"))) d->raise();
    } catch (const std::exception& e) {
      QMessageBox::warning(this, tr("Cannot use the sequence"), QString::fromStdString(e.what()));
    }
  });
  connect(m_composerPanel, &ComposerPanel::runRequested, this, [this] {
    if (QDockWidget* d = dock(QStringLiteral("dock.inference"))) d->raise();
    m_inferencePanel->run();
  });
  connect(m_inferencePanel, &InferencePanel::modelChanged, this, [this](const QString& text) {
    m_modelLabel->setText(tr("Model: %1").arg(text));
    addRecent(QStringLiteral("recent/models"), m_inferencePanel->runner()->packageDir());
  });
  connect(m_inferencePanel, &InferencePanel::deviceChanged, this,
          [this](const QString& d) { m_deviceLabel->setText(tr("Device: %1").arg(d)); });

  resize(1500, 950);
  m_defaultState = saveState(kLayoutVersion);
  QSettings settings;
  restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray());
  restoreState(settings.value(QStringLiteral("window/state")).toByteArray(), kLayoutVersion);
}

MainWindow::~MainWindow() {
  saveLayout();
  // The panels' models point at the composition and the thumbnail cache: delete the panels first.
  qDeleteAll(findChildren<QDockWidget*>(QString(), Qt::FindDirectChildrenOnly));
  m_thumbnails->setDataset(QString());
}

QDockWidget* MainWindow::addPanel(const QString& title, const QString& name, QWidget* panel, Qt::DockWidgetArea area) {
  auto* d = new QDockWidget(title, this);
  d->setObjectName(name);
  d->setWidget(panel);
  d->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable | QDockWidget::DockWidgetClosable);
  addDockWidget(area, d);
  return d;
}

QDockWidget* MainWindow::dock(const QString& objectName) const { return findChild<QDockWidget*>(objectName); }

void MainWindow::saveLayout() {
  QSettings settings;
  settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
  settings.setValue(QStringLiteral("window/state"), saveState(kLayoutVersion));
}

void MainWindow::closeEvent(QCloseEvent* e) {
  saveLayout();
  QMainWindow::closeEvent(e);
}

void MainWindow::openDataset(const QString& path, bool quiet) {
  m_loading = true;
  m_datasetLabel->setText(tr("Opening %1…").arg(QFileInfo(path).fileName()));
  QApplication::setOverrideCursor(Qt::BusyCursor);
  runInBackground<std::shared_ptr<LoadedDataset>>(
      this, [path] { return LoadedDataset::load(path); },
      [this](std::shared_ptr<std::shared_ptr<LoadedDataset>> d) {
        QApplication::restoreOverrideCursor();
        m_loading = false;
        m_error.clear();
        applyDataset(*d);
        Q_EMIT datasetOpened(true);
      },
      [this, path, quiet](const QString& error) {
        QApplication::restoreOverrideCursor();
        m_loading = false;
        m_error = error;
        m_datasetLabel->setText(m_dataset ? tr("Dataset: %1").arg(m_dataset->name()) : tr("No dataset"));
        if (!quiet) QMessageBox::warning(this, tr("Cannot open dataset"), tr("'%1' cannot be opened:\n\n%2").arg(path, error));
        Q_EMIT datasetOpened(false);
      });
}

void MainWindow::applyDataset(std::shared_ptr<LoadedDataset> d) {
  m_dataset = d;
  m_thumbnails->setDataset(d->path);
  m_datasetPanel->setDataset(d);
  m_composerPanel->setDataset(d);
  m_inferencePanel->setDataset(d);
  m_experimentsPanel->setDataset(d);
  const tmf::DatasetStats& s = d->stats;
  m_datasetLabel->setText(tr("Dataset: %1 — %2 items, %3 users, %4 events")
                              .arg(d->name()).arg(s.items).arg(s.users).arg(s.events));
  setWindowTitle(QStringLiteral("TMF Studio — %1").arg(d->path));
  addRecent(QStringLiteral("recent/datasets"), d->path);
}

void MainWindow::openModel(const QString& packageDir) {
  if (QDockWidget* d = dock(QStringLiteral("dock.inference"))) d->raise();
  m_inferencePanel->openModel(packageDir);
}

QString MainWindow::statusText() const {
  return m_datasetLabel->text() + QStringLiteral(" | ") + m_modelLabel->text() + QStringLiteral(" | ") + m_deviceLabel->text();
}

QStringList MainWindow::recentDatasets() const {
  return QSettings().value(QStringLiteral("recent/datasets")).toStringList();
}

void MainWindow::addRecent(const QString& key, const QString& path) {
  if (path.isEmpty()) return;
  QSettings settings;
  QStringList list = settings.value(key).toStringList();
  list.removeAll(path);
  list.prepend(path);
  while (list.size() > kMaxRecent) list.removeLast();
  settings.setValue(key, list);
  rebuildRecentMenus();
}

void MainWindow::rebuildRecentMenus() {
  QSettings settings;
  m_recentDatasets->clear();
  for (const QString& p : settings.value(QStringLiteral("recent/datasets")).toStringList())
    m_recentDatasets->addAction(p, this, [this, p] { openDataset(p); });
  m_recentDatasets->setEnabled(!m_recentDatasets->isEmpty());
  m_recentModels->clear();
  for (const QString& p : settings.value(QStringLiteral("recent/models")).toStringList())
    m_recentModels->addAction(p, this, [this, p] { openModel(p); });
  m_recentModels->setEnabled(!m_recentModels->isEmpty());
}
