// Item models under QAbstractItemModelTester: gallery (async thumbnails, search, filters, drag
// MIME), user timeline, Table 1, the Experiments tables (Tables 2 and 3 from stored runs).
#include <gtest/gtest.h>

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QMimeData>
#include <cmath>

#include "data/dataset.h"
#include "data/stats.h"
#include "dataset/item_filter_model.h"
#include "dataset/item_gallery_model.h"
#include "dataset/user_timeline_model.h"
#include "item_drag.h"
#include "dataset_stats_model.h"
#include "eval/eval_runs.h"
#include "experiments/experiment_table.h"
#include "loaded_dataset.h"
#include "thumbnail_cache.h"
#include "views_test_support.h"

TEST(Models, GalleryDecodesThumbnailsOffTheUiThreadAndPassesTester) {
  test_app();
  const std::string path = make_small_dataset(test_dir("gallery"));
  auto ds = LoadedDataset::load(QString::fromStdString(path));
  ThumbnailCache cache;
  cache.setDataset(QString::fromStdString(path));
  ItemGalleryModel model(&cache);
  QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
  model.setDataset(ds);
  ASSERT_EQ(model.rowCount(), 30);
  EXPECT_EQ(model.data(model.index(3)).toString(), QStringLiteral("Item number 3"));
  // First request: a placeholder now, the decoded thumbnail after thumbnailReady.
  const qint64 id3 = model.data(model.index(3), ItemGalleryModel::ItemIdRole).toLongLong();
  QImage first = model.data(model.index(3), Qt::DecorationRole).value<QImage>();
  ASSERT_FALSE(first.isNull());
  ASSERT_TRUE(wait_until([&] { return !cache.thumbnail(id3).isNull(); }));
  QImage thumb = model.data(model.index(3), Qt::DecorationRole).value<QImage>();
  EXPECT_EQ(thumb.width(), ThumbnailCache::kSize);
  EXPECT_NE(thumb, first);
  // The undecodable image of item 29 gives an error tooltip, not a crash.
  const qint64 id29 = model.data(model.index(29), ItemGalleryModel::ItemIdRole).toLongLong();
  model.data(model.index(29), Qt::DecorationRole);
  ASSERT_TRUE(wait_until([&] { return !cache.error(id29).isEmpty(); }));
  EXPECT_TRUE(model.data(model.index(29), Qt::ToolTipRole).toString().contains(QStringLiteral("cannot be shown")));
  // Drag MIME round trip.
  std::unique_ptr<QMimeData> mime(model.mimeData({model.index(1), model.index(2)}));
  EXPECT_EQ(itemIdsFromMime(mime.get()).size(), 2);
  model.setDataset(nullptr);
  EXPECT_EQ(model.rowCount(), 0);
}

TEST(Models, FilterSearchesNameBrandCategoryAndFilters) {
  test_app();
  const std::string path = make_small_dataset(test_dir("filter"));
  auto ds = LoadedDataset::load(QString::fromStdString(path));
  ThumbnailCache cache;
  ItemGalleryModel model(&cache);
  model.setDataset(ds);
  ItemFilterModel filter;
  QAbstractItemModelTester tester(&filter, QAbstractItemModelTester::FailureReportingMode::Fatal);
  filter.setSourceModel(&model);
  EXPECT_EQ(filter.rowCount(), 30);
  filter.setSearch(QStringLiteral("acme"));
  EXPECT_EQ(filter.rowCount(), 15);
  filter.setSearch(QStringLiteral("number 2 acme"));  // every word must match
  EXPECT_EQ(filter.rowCount(), 5);                    // 21, 23, 25, 27, 29 (2 and 12 are Zenith)
  filter.setSearch(QString());
  filter.setCategory(QStringLiteral("Large"));
  EXPECT_EQ(filter.rowCount(), 15);
  filter.setOnlyWithImages(true);
  EXPECT_EQ(filter.rowCount(), 5);  // 0, 6, 12, 18, 24
}

TEST(Models, UserTimelineAndStatsPassTester) {
  test_app();
  const std::string path = make_small_dataset(test_dir("timeline"));
  auto ds = LoadedDataset::load(QString::fromStdString(path));
  ThumbnailCache cache;
  UserTimelineModel timeline(&cache);
  QAbstractItemModelTester tester(&timeline, QAbstractItemModelTester::FailureReportingMode::Fatal);
  timeline.setDataset(ds);
  timeline.setUser(ds->userIds.front());
  ASSERT_EQ(timeline.rowCount(), 6);
  EXPECT_TRUE(timeline.data(timeline.index(0)).toString().contains(QStringLiteral("purchase")));
  EXPECT_FALSE(timeline.data(timeline.index(0), Qt::DecorationRole).isNull());
  EXPECT_EQ(timeline.steps(2).size(), 2u);
  EXPECT_EQ(timeline.steps(0).size(), 6u);

  DatasetStatsModel stats;
  QAbstractItemModelTester t2(&stats, QAbstractItemModelTester::FailureReportingMode::Fatal);
  stats.setStats({ds->stats});
  EXPECT_EQ(stats.data(stats.index(0, DatasetStatsModel::Items)).toString(), QStringLiteral("30"));
}

TEST(Models, ExperimentTablesAggregateSeedsLikeThePaper) {
  test_app();
  auto run = [](const char* kind, const char* level, int seed, int n, int valid, int hit) {
    tmf::EvalRun r;
    r.model_kind = kind;
    r.model_name = kind;
    r.level = level;
    r.seed = seed;
    r.part = "test";
    r.stats.n = n;
    r.stats.n_valid = valid;
    r.stats.n_hit = hit;
    return r;
  };
  std::vector<tmf::EvalRun> runs = {run("sasrec", "", 1, 100, 100, 40), run("sasrec", "", 2, 100, 100, 50),
                                    run("tmf", "cma", 1, 100, 90, 60),  run("tmf", "text", 1, 100, 80, 30),
                                    run("tmf", "amsa", 1, 100, 85, 55)};
  runs.push_back(run("tmf", "cma", 2, 100, 100, 70));
  tmf::EvalRun valid = run("sasrec", "", 3, 100, 100, 99);
  valid.part = "valid";
  runs.push_back(valid);
  std::vector<ExperimentRow> t2 = aggregateRuns(QStringLiteral("electronics"), runs, PaperTable::Table2);
  ASSERT_EQ(t2.size(), 2u);
  EXPECT_EQ(t2[0].model, QStringLiteral("SASREC"));
  EXPECT_EQ(t2[0].seeds, 2);
  EXPECT_NEAR(t2[0].hitMean, 0.45, 1e-12);
  EXPECT_NEAR(t2[0].hitStd, std::sqrt(0.005), 1e-12);  // sample std of 0.4 and 0.5
  EXPECT_EQ(t2[1].model, QStringLiteral("TMF"));
  EXPECT_NEAR(t2[1].hitMean, 0.65, 1e-12);
  EXPECT_NEAR(t2[1].validMean, 0.95, 1e-12);
  std::vector<ExperimentRow> t3 = aggregateRuns(QStringLiteral("electronics"), runs, PaperTable::Table3);
  ASSERT_EQ(t3.size(), 3u);
  EXPECT_EQ(t3[0].level, QStringLiteral("text"));  // paper order: text, behavior, amsa, cma
  EXPECT_EQ(t3[1].level, QStringLiteral("amsa"));
  EXPECT_EQ(t3[2].level, QStringLiteral("cma"));

  ExperimentTableModel model;
  QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
  model.setRows(t2);
  EXPECT_EQ(model.data(model.index(0, ExperimentTableModel::HitRate)).toString(), QStringLiteral("0.450 ± 0.071"));
  EXPECT_TRUE(model.toCsv().startsWith(QStringLiteral("dataset,model")));
  EXPECT_EQ(model.toCsv().count(QLatin1Char('\n')), 3);
}
