// The TMF Studio main window: dockable panels (Dataset, Composer, Inference & Attention,
// Experiments, Ratings) whose layout is remembered with QSettings, recent datasets and models,
// and a status bar with the open dataset, the model and the device. Datasets open off the UI
// thread; a file that is not a dataset (or has a newer schema, or is missing) gives a dialog and
// leaves the current dataset open. Training and evaluation run as CliJobs (views/jobs) with their
// progress and Cancel in the status bar; a trained model opens by itself, an evaluation lands in
// the Experiments dock.
#pragma once
#include <QMainWindow>
#include <memory>

class CliJob;
class JobStatusWidget;
class QToolBar;
struct EvaluateRequest;
struct TrainRequest;
class Composition;
class ComposerPanel;
class DatasetPanel;
class ExperimentsPanel;
class InferencePanel;
class QDockWidget;
class QLabel;
class QMenu;
class ThumbnailCache;
struct LoadedDataset;

class MainWindow : public QMainWindow {
  Q_OBJECT
 public:
  explicit MainWindow(QWidget* parent = nullptr);
  ~MainWindow() override;

  // Starts opening the dataset; datasetOpened(ok) follows. On failure a dialog is shown unless
  // quiet, errorString() holds the reason and the previous dataset stays open.
  void openDataset(const QString& path, bool quiet = false);
  void openModel(const QString& packageDir);
  // Opens the package when it exists, else trains it from the open dataset in the background
  // (the demo recipe unless `size` says otherwise) and opens it when done. The first run of
  // scripts/demo.sh shows the window at once this way.
  void openOrTrainModel(const QString& packageDir, const QString& size = QStringLiteral("demo"));
  // Start a job (false with a dialog when one is already running or the request lacks a model).
  bool startTraining(const TrainRequest& request);
  bool startEvaluation(const EvaluateRequest& request);
  void showTrainDialog();
  void showEvaluateDialog();
  void showAbout();
  CliJob* job() const { return m_job; }
  JobStatusWidget* jobStatus() const { return m_jobStatus; }
  QToolBar* toolBar() const { return m_toolBar; }
  QString lastJobResult() const { return m_lastJobResult; }  // "HitRate@1 0.42, ValidRatio 1.00 on 800 rows"
  QString errorString() const { return m_error; }
  bool isLoading() const { return m_loading; }

  std::shared_ptr<LoadedDataset> dataset() const { return m_dataset; }
  DatasetPanel* datasetPanel() const { return m_datasetPanel; }
  ComposerPanel* composerPanel() const { return m_composerPanel; }
  Composition* composition() const { return m_composition; }
  InferencePanel* inferencePanel() const { return m_inferencePanel; }
  ExperimentsPanel* experimentsPanel() const { return m_experimentsPanel; }
  ThumbnailCache* thumbnails() const { return m_thumbnails; }
  QDockWidget* dock(const QString& objectName) const;
  QString statusText() const;
  QStringList recentDatasets() const;

 Q_SIGNALS:
  void datasetOpened(bool ok);
  void jobFinished(bool ok, bool cancelled, const QString& error);

 protected:
  void closeEvent(QCloseEvent* e) override;

 private:
  QDockWidget* addPanel(const QString& title, const QString& name, QWidget* panel, Qt::DockWidgetArea area);
  void applyDataset(std::shared_ptr<LoadedDataset> dataset);
  void addRecent(const QString& key, const QString& path);
  void rebuildRecentMenus();
  void saveLayout();
  void createMenusAndToolBar();
  void onJobFinished(bool ok, bool cancelled, const QString& error);

  std::shared_ptr<LoadedDataset> m_dataset;
  ThumbnailCache* m_thumbnails;
  Composition* m_composition;
  DatasetPanel* m_datasetPanel;
  ComposerPanel* m_composerPanel;
  InferencePanel* m_inferencePanel;
  ExperimentsPanel* m_experimentsPanel;
  QMenu* m_recentDatasets;
  QMenu* m_recentModels;
  QLabel* m_datasetLabel;
  QLabel* m_modelLabel;
  QLabel* m_deviceLabel;
  QString m_error;
  bool m_loading = false;
  QByteArray m_defaultState;
  CliJob* m_job;
  JobStatusWidget* m_jobStatus;
  QToolBar* m_toolBar = nullptr;
  QList<QAction*> m_jobActions;  // disabled while a job runs
  QString m_trainedPackage;      // the package the running training job writes
  QString m_lastJobResult;
};
