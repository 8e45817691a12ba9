// Training and evaluation from the app, offscreen: the Train dialog's defaults and command line;
// a missing model trained in the background (the first run of scripts/demo.sh) with progress in
// the status bar, then opened by itself; an evaluation that lands in the Experiments dock; Cancel
// stops a long training without a dialog and leaves no package; a bad output folder and a second
// job while one runs give dialogs, never a crash.
#include <gtest/gtest.h>

#include <QApplication>
#include <QProgressBar>
#include <QSignalSpy>
#include <QToolBar>
#include <QToolButton>
#include <filesystem>
#include <fstream>

#include "experiments/experiments_panel.h"
#include "inference/inference_panel.h"
#include "inference/inference_runner.h"
#include "jobs/cli_job.h"
#include "jobs/evaluate_dialog.h"
#include "jobs/job_status_widget.h"
#include "jobs/train_dialog.h"
#include "main_window.h"
#include "views_test_support.h"

namespace {

bool open_and_wait(MainWindow& w, const std::string& path) {
  QSignalSpy spy(&w, &MainWindow::datasetOpened);
  w.openDataset(QString::fromStdString(path), true);
  if (!wait_until([&] { return spy.count() > 0; }, 20000)) return false;
  return spy.takeFirst().at(0).toBool();
}

// Waits for the running job's end; its (ok, cancelled, error).
std::tuple<bool, bool, QString> wait_job(MainWindow& w, QSignalSpy& spy, int timeout_ms) {
  if (!wait_until([&] { return spy.count() > 0; }, timeout_ms)) return {false, false, QStringLiteral("timed out")};
  const auto args = spy.takeFirst();
  return {args.at(0).toBool(), args.at(1).toBool(), args.at(2).toString()};
}

}  // namespace

TEST(Jobs, TrainDialogHasTheCliDefaults) {
  test_app();
  TrainDialog dlg(QStringLiteral("/data/worlds/pets.tmfdb"));
  TrainRequest r = dlg.request();
  EXPECT_EQ(r.out, QStringLiteral("/data/worlds/pets.tmf"));
  EXPECT_EQ(r.level, QStringLiteral("cma"));
  EXPECT_EQ(r.size, QStringLiteral("default"));
  EXPECT_EQ(r.seed, 42);
  EXPECT_EQ(r.device, QStringLiteral("auto"));
  EXPECT_EQ(r.arguments().join(QLatin1Char(' ')),
            QStringLiteral("train --dataset /data/worlds/pets.tmfdb --out /data/worlds/pets.tmf --level cma --size default "
                           "--seed 42 --device auto"));
  r.level = QStringLiteral("amsa");
  r.out = TrainRequest::defaultOut(r.dataset, r.level);
  EXPECT_EQ(r.out, QStringLiteral("/data/worlds/pets-amsa.tmf"));
  dlg.setRequest(r);
  EXPECT_EQ(dlg.request().level, QStringLiteral("amsa"));
  EvaluateRequest e;
  e.dataset = QStringLiteral("d.tmfdb");
  e.model = QStringLiteral("m");
  e.limit = 5;
  EXPECT_EQ(e.arguments().join(QLatin1Char(' ')),
            QStringLiteral("eval --dataset d.tmfdb --model m --decode free --part test --limit 5 --device auto --json"));
}

TEST(Jobs, TrainEvaluateCancelAndFailFromTheApp) {
  test_app();
  const DemoWorld& demo = demo_world();
  ASSERT_TRUE(demo.error.empty()) << demo.error;
  qputenv("TMF_TOOL", QByteArray(TMF_TOOL_DIR) + "/tmf");
  // A copy of the demo dataset: evaluation runs are stored in it.
  const std::string dir = test_dir("jobs");
  const std::string dataset = dir + "/electronics.tmfdb";
  std::filesystem::copy_file(demo.dataset, dataset);
  MainWindow w;
  w.show();
  ASSERT_TRUE(open_and_wait(w, dataset)) << w.errorString().toStdString();
  EXPECT_GE(w.toolBar()->actions().size(), 6);
  for (QAction* a : w.toolBar()->actions()) {
    if (!a->isSeparator()) {
      EXPECT_FALSE(a->toolTip().isEmpty()) << a->text().toStdString();
    }
  }

  QSignalSpy finished(&w, &MainWindow::jobFinished);
  QSignalSpy progress(w.job(), &CliJob::progress);
  DialogCatcher dialogs;

  // First run: the model is missing, so it is trained in the background and opened when done.
  const QString model = QString::fromStdString(dir + "/electronics.tmf");
  w.openOrTrainModel(model, QStringLiteral("tiny"));
  EXPECT_TRUE(w.job()->isRunning());
  EXPECT_TRUE(w.jobStatus()->isVisible());
  auto [ok, cancelled, error] = wait_job(w, finished, 120000);
  ASSERT_TRUE(ok) << error.toStdString() << " / " << dialogs.texts().join(QLatin1Char('\n')).toStdString();
  EXPECT_FALSE(cancelled);
  EXPECT_GT(progress.count(), 0);
  EXPECT_FALSE(w.jobStatus()->isVisible());
  ASSERT_TRUE(wait_until([&] { return w.inferencePanel()->runner()->hasModel(); }, 60000));
  EXPECT_EQ(w.inferencePanel()->runner()->packageDir(), model);

  // Evaluate it: the run lands in the Experiments dock.
  QSignalSpy runs(w.experimentsPanel(), &ExperimentsPanel::runsLoaded);
  EvaluateRequest e;
  e.dataset = QString::fromStdString(dataset);
  e.model = model;
  e.decode = QStringLiteral("constrained");
  e.limit = 5;
  e.device = QStringLiteral("cpu");
  ASSERT_TRUE(w.startEvaluation(e));
  std::tie(ok, cancelled, error) = wait_job(w, finished, 120000);
  ASSERT_TRUE(ok) << error.toStdString();
  EXPECT_TRUE(w.lastJobResult().contains(QStringLiteral("on 5 rows"))) << w.lastJobResult().toStdString();
  ASSERT_TRUE(wait_until([&] { return runs.count() > 0; }, 20000));
  EXPECT_GT(w.experimentsPanel()->table(PaperTable::Table3)->rowCount(), 0);

  // A long training, cancelled from the status bar: no dialog, no package; a second job is refused meanwhile.
  TrainRequest big;
  big.dataset = QString::fromStdString(dataset);
  big.out = QString::fromStdString(dir + "/big.tmf");
  big.device = QStringLiteral("cpu");
  const int before = progress.count();
  ASSERT_TRUE(w.startTraining(big));
  EXPECT_FALSE(w.startEvaluation(e));  // refused with a dialog while training runs
  wait_until([&] { return progress.count() > before; }, 30000);
  save_screenshot(&w, QStringLiteral("studio-training-in-status-bar"));
  w.jobStatus()->cancelButton()->click();
  std::tie(ok, cancelled, error) = wait_job(w, finished, 60000);
  EXPECT_FALSE(ok);
  EXPECT_TRUE(cancelled) << error.toStdString();
  EXPECT_FALSE(std::filesystem::exists(dir + "/big.tmf/tmf.json"));
  ASSERT_EQ(dialogs.texts().size(), 1) << dialogs.texts().join(QLatin1Char('\n')).toStdString();
  EXPECT_TRUE(dialogs.texts()[0].contains(QStringLiteral("still running"))) << dialogs.texts()[0].toStdString();

  // A bad output folder: the command's own message in a dialog.
  std::ofstream(dir + "/not-a-folder") << "x";
  TrainRequest bad = big;
  bad.out = QString::fromStdString(dir + "/not-a-folder");
  ASSERT_TRUE(w.startTraining(bad));
  std::tie(ok, cancelled, error) = wait_job(w, finished, 60000);
  EXPECT_FALSE(ok);
  EXPECT_FALSE(cancelled);
  EXPECT_TRUE(error.contains(QStringLiteral("not-a-folder"))) << error.toStdString();
  ASSERT_TRUE(wait_until([&] { return dialogs.texts().size() == 2; }, 5000));
  EXPECT_EQ(dialogs.texts()[1], error);
}
