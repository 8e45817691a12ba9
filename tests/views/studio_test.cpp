// The whole studio offscreen: open the demo dataset in the main window, survive bad files with a
// dialog, compose a three-step sequence, open a tiny TMF model trained by the CLI, run inference
// off the UI thread and check the heatmap painted a non-trivial picture; a corrupt model gives a
// dialog. Every main view leaves a screenshot under <build>/screenshots.
#include <gtest/gtest.h>

#include <QApplication>
#include <QDockWidget>
#include <QFile>
#include <QListView>
#include <QMimeData>
#include <QSettings>
#include <QSignalSpy>
#include <QTabWidget>
#include <filesystem>

#include "attention/attention_view.h"
#include "composer/composer_panel.h"
#include "composer/composition.h"
#include "composer/sequence_model.h"
#include "data/sqlite.h"
#include "dataset/dataset_panel.h"
#include "dataset/item_filter_model.h"
#include "dataset/item_detail_view.h"
#include "dataset/item_gallery_model.h"
#include "dataset/user_timeline_model.h"
#include "experiments/experiments_panel.h"
#include "inference/inference_panel.h"
#include "inference/inference_runner.h"
#include "inference/prompt_view.h"
#include "inference/score_chart.h"
#include "loaded_dataset.h"
#include "main_window.h"
#include "thumbnail_cache.h"
#include "views_test_support.h"

namespace {
bool open_and_wait(MainWindow& w, const std::string& path, bool quiet = true) {
  QSignalSpy spy(&w, &MainWindow::datasetOpened);
  w.openDataset(QString::fromStdString(path), quiet);
  if (!wait_until([&] { return spy.count() > 0; }, 20000)) return false;
  return spy.takeFirst().at(0).toBool();
}

void raise(MainWindow& w, const char* dock) {
  QDockWidget* d = w.dock(QString::fromLatin1(dock));
  ASSERT_NE(d, nullptr);
  d->show();
  d->raise();
  QApplication::processEvents();
}
}  // namespace

TEST(Studio, BadFilesGiveADialogAndTheAppKeepsRunning) {
  test_app();
  const std::string dir = test_dir("bad-files");
  const std::string good = make_small_dataset(dir);
  MainWindow w;
  w.show();
  ASSERT_TRUE(open_and_wait(w, good)) << w.errorString().toStdString();
  {
    QFile f(QString::fromStdString(dir + "/junk.tmfdb"));
    ASSERT_TRUE(f.open(QIODevice::WriteOnly));
    f.write("this is not a dataset but some text long enough to look like a file header......");
  }
  {
    // A dataset from a "newer release": schema version beyond what this build reads.
    tmf::Dataset d = tmf::Dataset::create(dir + "/newer.tmfdb", "newer");
    d.db().exec("PRAGMA user_version = 99");
  }
  DialogCatcher catcher;
  EXPECT_FALSE(open_and_wait(w, dir + "/junk.tmfdb", /*quiet=*/false));
  EXPECT_FALSE(open_and_wait(w, dir + "/newer.tmfdb", /*quiet=*/false));
  EXPECT_FALSE(open_and_wait(w, dir + "/missing.tmfdb", /*quiet=*/false));
  ASSERT_TRUE(wait_until([&] { return catcher.texts().size() >= 3; }, 5000));
  EXPECT_TRUE(catcher.texts()[0].contains(QStringLiteral("junk.tmfdb"))) << catcher.texts()[0].toStdString();
  EXPECT_TRUE(catcher.texts()[1].contains(QStringLiteral("newer"))) << catcher.texts()[1].toStdString();
  EXPECT_EQ(w.dataset()->path, QString::fromStdString(good));  // the good dataset stays open
  EXPECT_EQ(w.datasetPanel()->galleryModel()->rowCount(), 30);

  // A corrupt model package: a folder with garbage where the weights belong.
  const std::string model = dir + "/corrupt-model";
  std::filesystem::create_directories(model);
  for (const char* name : {"/package.json", "/model.safetensors"}) {
    QFile f(QString::fromStdString(model + name));
    ASSERT_TRUE(f.open(QIODevice::WriteOnly));
    f.write("{ not json at all");
  }
  QSignalSpy errors(w.inferencePanel(), &InferencePanel::errorShown);
  w.openModel(QString::fromStdString(model));
  ASSERT_TRUE(wait_until([&] { return errors.count() > 0; }, 20000));
  ASSERT_TRUE(wait_until([&] { return catcher.texts().size() >= 4; }, 5000));
  EXPECT_TRUE(catcher.texts()[3].contains(QStringLiteral("corrupt-model"))) << catcher.texts()[3].toStdString();
  EXPECT_FALSE(w.inferencePanel()->runner()->hasModel());

  // An undecodable synthetic image is refused by the composer with a message.
  EXPECT_THROW(w.composition()->addNewItem(QStringLiteral("x"), QString(), {1, 2, 3, 4, 5, 6, 7, 8}), std::exception);
  // The window still works: gallery browsing and search.
  w.datasetPanel()->setSearch(QStringLiteral("acme"));
  EXPECT_EQ(w.datasetPanel()->filterModel()->rowCount(), 15);
}

TEST(Studio, ComposeRunAndSeeTheAttention) {
  test_app();
  const DemoWorld& demo = demo_world();
  ASSERT_TRUE(demo.error.empty()) << demo.error;
  QSettings().clear();
  MainWindow w;
  w.resize(1600, 1000);
  w.show();
  ASSERT_TRUE(open_and_wait(w, demo.dataset)) << w.errorString().toStdString();
  auto ds = w.dataset();
  ASSERT_GE(ds->items.size(), 10u);
  EXPECT_TRUE(w.statusText().contains(QStringLiteral("60 items"))) << w.statusText().toStdString();

  // Dataset panel: the gallery fills with decoded thumbnails.
  raise(w, "dock.dataset");
  DatasetPanel* dp = w.datasetPanel();
  dp->tabs()->setCurrentIndex(0);
  dp->galleryView()->viewport()->repaint();  // asks for the visible page's thumbnails
  ASSERT_TRUE(wait_until([&] { return w.thumbnails()->decodedCount() >= 4; }, 10000))
      << "visible " << dp->galleryView()->isVisible() << " size " << dp->galleryView()->width() << "x"
      << dp->galleryView()->height() << " decoded " << w.thumbnails()->decodedCount();
  dp->galleryView()->setCurrentIndex(dp->galleryView()->model()->index(0, 0));
  EXPECT_TRUE(dp->detailView()->detailText().contains(QStringLiteral("Behavior counts")));
  QApplication::processEvents();
  save_screenshot(&w, QStringLiteral("studio-main-window"));
  save_screenshot(dp, QStringLiteral("dataset-gallery"));
  dp->tabs()->setCurrentIndex(1);
  dp->showUser(0);
  EXPECT_GT(dp->timelineModel()->rowCount(), 0);
  wait_until([&] { return false; }, 200);
  save_screenshot(dp, QStringLiteral("dataset-users"));
  dp->tabs()->setCurrentIndex(2);
  save_screenshot(dp, QStringLiteral("dataset-table1"));

  // Composer: a three-step sequence dropped from the gallery, behaviors set, candidates sampled.
  raise(w, "dock.composer");
  Composition* comp = w.composition();
  ItemGalleryModel* gallery = dp->galleryModel();
  for (int row : {3, 7, 11}) {
    std::unique_ptr<QMimeData> mime(gallery->mimeData({gallery->index(row)}));
    ASSERT_TRUE(w.composerPanel()->sequenceModel()->dropMimeData(mime.get(), Qt::CopyAction, -1, 0, {}));
  }
  ASSERT_EQ(comp->steps().size(), 3u);
  comp->setStepBehavior({2}, ds->behaviors[1].id);
  comp->sampleCandidates(42, 8);
  comp->setExpected(0);
  save_screenshot(w.composerPanel(), QStringLiteral("composer"));

  // Inference: open the tiny model, run, see the heatmap.
  raise(w, "dock.inference");
  InferencePanel* ip = w.inferencePanel();
  ip->quietErrors = true;
  QSignalSpy opened(ip->runner(), &InferenceRunner::modelOpened);
  QSignalSpy errors(ip, &InferencePanel::errorShown);
  w.openModel(QString::fromStdString(demo.model));
  ASSERT_TRUE(wait_until([&] { return opened.count() > 0 || errors.count() > 0; }, 60000));
  ASSERT_EQ(errors.count(), 0) << ip->lastError().toStdString();
  EXPECT_TRUE(w.statusText().contains(QStringLiteral("Model:")));
  QSignalSpy shown(ip, &InferencePanel::resultShown);
  ip->run();
  ASSERT_TRUE(wait_until([&] { return shown.count() > 0 || errors.count() > 0; }, 60000));
  ASSERT_EQ(errors.count(), 0) << ip->lastError().toStdString();
  const tmf::InferenceResult* r = ip->lastResult();
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->candidate_probs.size(), 8u);
  EXPECT_EQ(ip->scoreChart()->barCount(), 8);
  EXPECT_GE(ip->promptView()->placeholderCount(), 3);  // cma level: item and behavior tokens
  EXPECT_TRUE(ip->answerText().contains(QStringLiteral("Generated")));
  ASSERT_TRUE(ip->attentionView()->hasMaps()) << "level " << r->level;
  HeatmapWidget* hm = ip->attentionView()->heatmap();
  EXPECT_EQ(hm->rows(), 3);
  EXPECT_EQ(hm->cols(), 3);
  QApplication::processEvents();
  const QImage pic = hm->grab().toImage();
  EXPECT_GT(distinct_colours(pic), 20) << "the heatmap painted an almost uniform picture";
  std::printf("[ bench    ] run -> heatmap on %s: %.1f ms (model total %.1f ms)\n", r->device.c_str(),
              ip->lastRunToHeatmapMs(), r->timings.total_ms);
  save_screenshot(ip, QStringLiteral("inference-attention"));

  // Compare: pin, edit the sequence, run again; both maps side by side.
  ip->pinCurrent();
  comp->removeSteps({0});
  ip->run();
  ASSERT_TRUE(wait_until([&] { return shown.count() > 1 || errors.count() > 0; }, 60000));
  ASSERT_EQ(errors.count(), 0) << ip->lastError().toStdString();
  EXPECT_EQ(ip->pinnedView()->heatmap()->rows(), 3);
  EXPECT_EQ(hm->rows(), 2);
  QApplication::processEvents();
  save_screenshot(ip, QStringLiteral("inference-compare"));

  // The case study is stored in the dataset file.
  w.composerPanel()->saveCaseStudy(/*quiet=*/true);
  EXPECT_GT(comp->caseStudy().id, 0);

  raise(w, "dock.experiments");
  save_screenshot(w.experimentsPanel(), QStringLiteral("experiments"));
  raise(w, "dock.ratings");
  save_screenshot(&w, QStringLiteral("studio-ratings-place"));
}
