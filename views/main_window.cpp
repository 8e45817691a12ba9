#include "main_window.h"

#include <QAction>
#include <QApplication>
#include <QDialog>
#include <QDir>
#include <QIcon>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTextBrowser>
#include <QToolBar>
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
#include "jobs/cli_job.h"
#include "jobs/evaluate_dialog.h"
#include "jobs/job_status_widget.h"
#include "jobs/train_dialog.h"
#include "llm/device.h"
#include "loaded_dataset.h"
#include "thumbnail_cache.h"
#include "views_resources.h"
#include "rating/ratings_panel.h"
#include "rating/tmf_recommendations.h"

namespace {
constexpr int kMaxRecent = 8;
constexpr int kLayoutVersion = 1;
}  // namespace

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
  ensureViewsResources();
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

  m_job = new CliJob(this);
  connect(m_job, &CliJob::finished, this, &MainWindow::onJobFinished);
  createMenusAndToolBar();
  rebuildRecentMenus();

  // Status bar.
  m_datasetLabel = new QLabel(tr("No dataset"));
  m_modelLabel = new QLabel(tr("No model"));
  const QString cuda = InferenceRunner::cudaDeviceName();
  m_deviceLabel = new QLabel(cuda.isEmpty() ? tr("Device: CPU") : tr("Device: auto (CUDA %1 available)").arg(cuda));
  statusBar()->addWidget(m_datasetLabel, 2);
  statusBar()->addWidget(m_modelLabel, 2);
  m_jobStatus = new JobStatusWidget(m_job);
  statusBar()->addPermanentWidget(m_jobStatus);
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

void MainWindow::createMenusAndToolBar() {
  QMenu* file = menuBar()->addMenu(tr("&File"));
  QAction* openDatasetAction = file->addAction(tr("&Open dataset…"), QKeySequence::Open, this, [this] {
    const QString path = QFileDialog::getOpenFileName(this, tr("Open dataset"), QString(),
                                                      tr("TMF datasets (*.tmfdb);;All files (*)"));
    if (!path.isEmpty()) openDataset(path);
  });
  openDatasetAction->setIcon(QIcon(QStringLiteral(":/icons/actions/open-dataset.svg")));
  openDatasetAction->setToolTip(tr("Open a dataset file (.tmfdb) (%1)").arg(QKeySequence(QKeySequence::Open).toString()));
  m_recentDatasets = file->addMenu(tr("Recent datasets"));
  QAction* openModelAction = file->addAction(tr("Open &model…"), QKeySequence(tr("Ctrl+Shift+O")), this, [this] {
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Open a TMF model package"));
    if (!dir.isEmpty()) openModel(dir);
  });
  openModelAction->setIcon(QIcon(QStringLiteral(":/icons/actions/open-model.svg")));
  openModelAction->setToolTip(tr("Open a TMF model package trained on the open dataset (Ctrl+Shift+O)"));
  m_recentModels = file->addMenu(tr("Recent models"));
  file->addSeparator();
  QMenu* exportMenu = file->addMenu(tr("&Export"));
  for (PaperTable t : {PaperTable::Table2, PaperTable::Table3}) {
    const QString name = t == PaperTable::Table2 ? tr("Table 2") : tr("Table 3");
    exportMenu->addAction(tr("%1 as CSV…").arg(name), this, [this, t, name] {
      const QString path = QFileDialog::getSaveFileName(this, tr("Export %1").arg(name), QString(), tr("CSV (*.csv)"));
      QString error;
      if (!path.isEmpty() && !m_experimentsPanel->exportCsv(t, path, &error))
        QMessageBox::warning(this, tr("Export failed"), error);
    });
    exportMenu->addAction(tr("%1 chart as PNG…").arg(name), this, [this, t, name] {
      const QString path = QFileDialog::getSaveFileName(this, tr("Export %1 chart").arg(name), QString(), tr("PNG (*.png)"));
      QString error;
      if (!path.isEmpty() && !m_experimentsPanel->exportChartPng(t, path, &error))
        QMessageBox::warning(this, tr("Export failed"), error);
    });
  }
  file->addSeparator();
  file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);

  QMenu* edit = menuBar()->addMenu(tr("&Edit"));
  QAction* undo = m_composition->undoStack()->createUndoAction(this);
  undo->setShortcut(QKeySequence::Undo);
  QAction* redo = m_composition->undoStack()->createRedoAction(this);
  redo->setShortcut(QKeySequence::Redo);
  edit->addAction(undo);
  edit->addAction(redo);

  QMenu* view = menuBar()->addMenu(tr("&View"));
  if (QDockWidget* d = dock(QStringLiteral("dock.inference")))
    d->toggleViewAction()->setText(tr("Inference && Attention"));  // '&' marks a mnemonic in menus
  for (const char* name : {"dock.dataset", "dock.composer", "dock.inference", "dock.experiments", "dock.ratings"})
    if (QDockWidget* d = dock(QString::fromLatin1(name))) view->addAction(d->toggleViewAction());
  view->addSeparator();
  view->addAction(tr("Reset layout"), this, [this] { restoreState(m_defaultState, kLayoutVersion); });

  QMenu* run = menuBar()->addMenu(tr("&Run"));
  QAction* runAction = run->addAction(tr("&Run model"), QKeySequence(Qt::Key_F5), this, [this] {
    if (QDockWidget* d = dock(QStringLiteral("dock.inference"))) d->raise();
    m_inferencePanel->run();
  });
  runAction->setIcon(QIcon(QStringLiteral(":/icons/actions/run.svg")));
  runAction->setToolTip(tr("Run the open model on the composed sequence (F5)"));
  QAction* cancelAction = run->addAction(tr("&Cancel"), QKeySequence(Qt::Key_Escape), this, [this] {
    m_inferencePanel->cancel();
    m_job->cancel();
  });
  cancelAction->setIcon(QIcon(QStringLiteral(":/icons/actions/cancel.svg")));
  cancelAction->setToolTip(tr("Cancel the running inference, training or evaluation (Esc); training resumes from "
                              "its last checkpoint when started again"));
  run->addSeparator();
  QAction* trainAction = run->addAction(tr("&Train model…"), QKeySequence(tr("Ctrl+T")), this, &MainWindow::showTrainDialog);
  trainAction->setIcon(QIcon(QStringLiteral(":/icons/actions/train.svg")));
  trainAction->setToolTip(tr("Train a TMF model on a dataset in the background (Ctrl+T)"));
  QAction* evalAction = run->addAction(tr("&Evaluate model…"), QKeySequence(tr("Ctrl+E")), this, &MainWindow::showEvaluateDialog);
  evalAction->setIcon(QIcon(QStringLiteral(":/icons/actions/evaluate.svg")));
  evalAction->setToolTip(tr("HitRate@1 and ValidRatio of the open model on the stored candidates (Ctrl+E)"));
  m_jobActions = {trainAction, evalAction};

  QMenu* help = menuBar()->addMenu(tr("&Help"));
  help->addAction(tr("&Quick start"), QKeySequence::HelpContents, this, [this] {
    QDialog dlg(this);
    dlg.setWindowTitle(tr("TMF Studio — quick start"));
    auto* text = new QTextBrowser(&dlg);
    text->setOpenExternalLinks(true);
    text->setHtml(tr(
        "<h3>Quick start</h3>"
        "<ol><li><b>Open a dataset</b> (File ▸ Open dataset, Ctrl+O). The demo worlds live in <tt>data/demo/</tt>; "
        "<tt>tmf data generate --preset demo --out DIR</tt> makes them, <tt>tmf data import</tt> brings your own.</li>"
        "<li><b>Open or train a model</b>: File ▸ Open model for a package, or Run ▸ Train model (Ctrl+T). "
        "Training runs in the background; the status bar shows its progress and Cancel, and the model opens "
        "when it is done. A cancelled run resumes from its checkpoint when started again.</li>"
        "<li><b>Compose a sequence</b> in the Composer: drag items from the Dataset gallery, set each step's "
        "behavior (view, add to cart, purchase), pick candidates — or start from a user's own sequence.</li>"
        "<li><b>Run</b> (F5): the Inference dock shows the hybrid prompt, the answer, a score per candidate and "
        "the AMSA / CMA attention heatmaps.</li>"
        "<li><b>Evaluate</b> (Run ▸ Evaluate model, Ctrl+E): HitRate@1 and ValidRatio on the stored test "
        "candidates; every run lands in the Experiments dock (Tables 2 and 3).</li>"
        "<li><b>Rate</b>: the Ratings dock sets up blind human rating studies.</li></ol>"
        "<p>The same work from a terminal: <tt>tmf --help</tt>.</p>"));
    auto* lay = new QVBoxLayout(&dlg);
    lay->addWidget(text);
    dlg.resize(640, 460);
    dlg.exec();
  });
  help->addAction(tr("&About TMF Studio"), this, &MainWindow::showAbout);
  help->addAction(tr("About &Qt"), qApp, &QApplication::aboutQt);

  m_toolBar = addToolBar(tr("Main"));
  m_toolBar->setObjectName(QStringLiteral("toolbar.main"));
  m_toolBar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
  for (QAction* a : {openDatasetAction, openModelAction}) m_toolBar->addAction(a);
  m_toolBar->addSeparator();
  for (QAction* a : {runAction, cancelAction, trainAction, evalAction}) m_toolBar->addAction(a);
}

void MainWindow::showAbout() {
  const std::string cuda = tmf::cuda_summary();
  QMessageBox::about(
      this, tr("About TMF Studio"),
      tr("<h3>TMF Studio %1</h3>"
         "<p>Inspect, train and rate <i>Triple Modality Fusion</i> recommenders: an implementation of "
         "“Triple Modality Fusion: Aligning Visual, Textual, and Graph Data with Large Language Models for "
         "Multi-Behavior Recommendations” (Ma, Li et al.).</p>"
         "<p>LibTorch %2<br>Qt %3 (running on %4)<br>%5</p>")
          .arg(QCoreApplication::applicationVersion(), QString::fromStdString(tmf::torch_version()),
               QStringLiteral(QT_VERSION_STR), QString::fromLatin1(qVersion()),
               cuda.empty() ? tr("CUDA: not available") : QString::fromStdString(cuda)));
}

void MainWindow::showTrainDialog() {
  TrainDialog dlg(m_dataset ? m_dataset->path : QString(), this);
  if (dlg.exec() == QDialog::Accepted) startTraining(dlg.request());
}

void MainWindow::showEvaluateDialog() {
  const QString model = m_inferencePanel->runner()->hasModel() ? m_inferencePanel->runner()->packageDir() : QString();
  if (!m_dataset || model.isEmpty()) {
    QMessageBox::information(this, tr("Evaluate"), tr("Open a dataset and a model trained on it first."));
    return;
  }
  EvaluateDialog dlg(m_dataset->path, model, this);
  if (dlg.exec() == QDialog::Accepted) startEvaluation(dlg.request());
}

bool MainWindow::startTraining(const TrainRequest& r) {
  if (m_job->isRunning()) {
    QMessageBox::information(this, tr("Train"), tr("'%1' is still running; cancel it or wait for it.").arg(m_job->title()));
    return false;
  }
  m_trainedPackage = QDir::cleanPath(QFileInfo(r.out).absoluteFilePath());
  m_lastJobResult.clear();
  for (QAction* a : m_jobActions) a->setEnabled(false);
  m_job->start(tr("Training %1").arg(QFileInfo(r.out).fileName()), r.arguments());
  return true;
}

bool MainWindow::startEvaluation(const EvaluateRequest& r) {
  if (m_job->isRunning()) {
    QMessageBox::information(this, tr("Evaluate"), tr("'%1' is still running; cancel it or wait for it.").arg(m_job->title()));
    return false;
  }
  m_trainedPackage.clear();
  m_lastJobResult.clear();
  for (QAction* a : m_jobActions) a->setEnabled(false);
  m_job->start(tr("Evaluating %1").arg(QFileInfo(r.model).fileName()), r.arguments());
  return true;
}

void MainWindow::openOrTrainModel(const QString& packageDir, const QString& size) {
  if (QFileInfo::exists(packageDir + QStringLiteral("/tmf.json")) || !m_dataset) {
    openModel(packageDir);
    return;
  }
  TrainRequest r;
  r.dataset = m_dataset->path;
  r.out = packageDir;
  r.size = size;
  statusBar()->showMessage(tr("No model at %1 yet: training it in the background; browse and compose meanwhile.")
                               .arg(packageDir), 15000);
  startTraining(r);
}

void MainWindow::onJobFinished(bool ok, bool cancelled, const QString& error) {
  for (QAction* a : m_jobActions) a->setEnabled(true);
  const QString title = m_job->title();
  if (ok && !m_trainedPackage.isEmpty()) {
    m_lastJobResult = tr("trained %1").arg(m_trainedPackage);
    statusBar()->showMessage(tr("%1: done").arg(title), 10000);
    openModel(m_trainedPackage);
  } else if (ok) {
    const QJsonObject o = QJsonDocument::fromJson(m_job->standardOutput().toUtf8()).object();
    m_lastJobResult = tr("HitRate@1 %1, ValidRatio %2 on %3 rows (%4 decoding)")
                          .arg(o.value(QStringLiteral("hit_rate_all")).toDouble(), 0, 'f', 3)
                          .arg(o.value(QStringLiteral("valid_ratio")).toDouble(), 0, 'f', 3)
                          .arg(o.value(QStringLiteral("n")).toInt())
                          .arg(o.value(QStringLiteral("decode")).toString());
    statusBar()->showMessage(tr("%1: %2").arg(title, m_lastJobResult), 15000);
    m_experimentsPanel->reload();
    if (QDockWidget* d = dock(QStringLiteral("dock.experiments"))) d->raise();
  } else if (cancelled) {
    statusBar()->showMessage(m_trainedPackage.isEmpty() ? tr("%1: cancelled").arg(title)
                                                        : tr("%1: cancelled; training again into the same folder "
                                                             "resumes from its last checkpoint").arg(title),
                             15000);
  } else {
    QMessageBox::warning(this, tr("%1 failed").arg(title), error);
  }
  Q_EMIT jobFinished(ok, cancelled, error);
}
