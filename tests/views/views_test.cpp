// Offscreen tests of the views (QT_QPA_PLATFORM=offscreen is set by ctest).
#include <gtest/gtest.h>

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QDir>
#include <QTabWidget>
#include <filesystem>

#include "data/dataset_writer.h"
#include "data/image.h"
#include "data/stats.h"
#include "dataset_stats_model.h"
#include "dataset_window.h"
#include "item_table_model.h"

namespace {
QApplication* app() {
  static int argc = 1;
  static char name[] = "views_test";
  static char* argv[] = {name, nullptr};
  static QApplication* a = new QApplication(argc, argv);
  return a;
}

std::string make_dataset(const std::string& dir) {
  std::filesystem::create_directories(dir);
  std::string path = dir + "/v.tmfdb";
  std::filesystem::remove(path);
  tmf::Dataset ds = tmf::Dataset::create(path, "views");
  tmf::DatasetWriter w(ds);
  ds.set_behaviors({"view", "purchase"}, "purchase");
  for (int i = 0; i < 30; ++i) {
    tmf::ItemInput in;
    in.external_id = std::to_string(i);
    in.name = "Item number " + std::to_string(i);
    in.brand = i % 2 ? "Acme" : "Zenith";
    in.categories = "Things|Small";
    if (i % 3 == 0) {
      tmf::RgbImage img;
      img.width = img.height = 16;
      img.rgb.assign(16 * 16 * 3, uint8_t(i * 8));
      in.image = tmf::encode_png(img);
    }
    int64_t item = w.item(in);
    w.event(w.user("u" + std::to_string(i % 5)), item, ds.behavior_id(i % 4 ? "view" : "purchase"), i);
  }
  w.commit();
  return path;
}
}  // namespace

TEST(Views, ItemModelPassesModelTester) {
  app();
  std::string path = make_dataset(std::string(TMF_BINARY_DIR) + "/test-tmp/views");
  tmf::Dataset ds = tmf::Dataset::open(path);
  ItemTableModel model;
  QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
  model.setDataset(&ds);
  ASSERT_EQ(model.rowCount(), 30);
  EXPECT_EQ(model.data(model.index(3, ItemTableModel::Name)).toString(), QStringLiteral("Item number 3"));
  QVariant thumb = model.data(model.index(3, ItemTableModel::Name), Qt::DecorationRole);
  ASSERT_TRUE(thumb.canConvert<QImage>());
  EXPECT_EQ(thumb.value<QImage>().width(), ItemTableModel::kThumbnailSize);
  EXPECT_FALSE(model.data(model.index(1, ItemTableModel::Name), Qt::DecorationRole).isValid());
  model.setDataset(nullptr);
  EXPECT_EQ(model.rowCount(), 0);
}

TEST(Views, StatsModelPassesModelTester) {
  app();
  DatasetStatsModel model;
  QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
  tmf::DatasetStats s;
  s.name = "x";
  s.items = 10;
  s.users = 4;
  s.behaviors = {"view", "purchase"};
  s.target_behavior = "purchase";
  model.setStats({s, s});
  EXPECT_EQ(model.rowCount(), 2);
  EXPECT_EQ(model.data(model.index(0, DatasetStatsModel::Behaviors)).toString(), QStringLiteral("view, purchase (target)"));
}

TEST(Views, WindowOpensDatasetAndSurvivesBadFiles) {
  app();
  std::string dir = std::string(TMF_BINARY_DIR) + "/test-tmp/views";
  std::string path = make_dataset(dir);
  DatasetWindow w;
  w.show();
  ASSERT_TRUE(w.openDataset(QString::fromStdString(path), /*quiet=*/true)) << w.errorString().toStdString();
  EXPECT_EQ(w.itemModel()->rowCount(), 30);
  {
    FILE* f = std::fopen((dir + "/junk.tmfdb").c_str(), "w");
    std::fputs("this is not a dataset but some text long enough to look like a file header......", f);
    std::fclose(f);
  }
  EXPECT_FALSE(w.openDataset(QString::fromStdString(dir + "/junk.tmfdb"), /*quiet=*/true));
  EXPECT_FALSE(w.errorString().isEmpty());
  EXPECT_EQ(w.itemModel()->rowCount(), 30);  // the previous dataset stays open
  QApplication::processEvents();
  QImage shot = w.grab().toImage();
  EXPECT_FALSE(shot.isNull());
  shot.save(QString::fromStdString(std::string(TMF_BINARY_DIR) + "/screenshot-dataset-window.png"));
}
