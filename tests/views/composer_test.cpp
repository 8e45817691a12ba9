// The composer's document and models: undo/redo of every kind of edit, drops from the gallery and
// reordering by drag, seeded candidate sampling, synthetic items, and case-study storage
// (core/data/case_study.h) through the panel and directly.
#include <gtest/gtest.h>

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QMimeData>
#include <QUndoStack>
#include <filesystem>

#include "composer/candidate_model.h"
#include "composer/composer_panel.h"
#include "composer/composition.h"
#include "composer/sequence_model.h"
#include "data/case_study.h"
#include "data/image.h"
#include "dataset/item_gallery_model.h"
#include "loaded_dataset.h"
#include "thumbnail_cache.h"
#include "util/error.h"
#include "views_test_support.h"

namespace {
std::vector<uint8_t> png_bytes(int w, int h, uint8_t v) {
  tmf::RgbImage img;
  img.width = w;
  img.height = h;
  img.rgb.assign(size_t(w * h * 3), v);
  return tmf::encode_png(img);
}

struct Fixture {
  std::shared_ptr<LoadedDataset> ds;
  ThumbnailCache cache;
  Composition comp;
  explicit Fixture(const std::string& name) {
    test_app();
    ds = LoadedDataset::load(QString::fromStdString(make_small_dataset(test_dir(name))));
    cache.setDataset(ds->path);
    comp.setDataset(ds);
  }
  qint64 item(int i) const { return ds->items[size_t(i)].id; }
  qint64 behavior(const char* name) const { return ds->dataset->behavior_id(name); }
};
}  // namespace

TEST(Composer, EditsUndoAndRedo) {
  Fixture f("undo");
  SequenceModel seq(&f.comp, &f.cache);
  QAbstractItemModelTester tester(&seq, QAbstractItemModelTester::FailureReportingMode::Fatal);
  QUndoStack* undo = f.comp.undoStack();
  f.comp.insertSteps(-1, {f.item(0), f.item(1), f.item(2)});
  ASSERT_EQ(seq.rowCount(), 3);
  EXPECT_EQ(f.comp.steps()[0].behavior_id, f.behavior("view"));  // the default: first non-target behavior
  f.comp.setStepBehavior({1}, f.behavior("cart"));
  f.comp.moveStep(0, 2);
  EXPECT_EQ(f.comp.steps()[2].item_id, f.item(0));
  f.comp.removeSteps({0});
  f.comp.setTargetBehavior(f.behavior("cart"));
  ASSERT_EQ(f.comp.steps().size(), 2u);
  EXPECT_EQ(undo->count(), 5);

  undo->undo();  // target
  EXPECT_EQ(f.comp.caseStudy().target_behavior, f.behavior("purchase"));
  undo->undo();  // remove
  ASSERT_EQ(seq.rowCount(), 3);
  EXPECT_EQ(f.comp.steps()[0].item_id, f.item(1));
  EXPECT_EQ(f.comp.steps()[0].behavior_id, f.behavior("cart"));
  undo->undo();  // move
  EXPECT_EQ(f.comp.steps()[0].item_id, f.item(0));
  undo->undo();  // behavior
  EXPECT_EQ(f.comp.steps()[1].behavior_id, f.behavior("view"));
  undo->undo();  // insert
  EXPECT_EQ(seq.rowCount(), 0);
  for (int i = 0; i < 5; ++i) undo->redo();  // [0 1 2] -> cart on 1 -> [1 2 0] -> [2 0]
  ASSERT_EQ(f.comp.steps().size(), 2u);
  EXPECT_EQ(f.comp.steps()[0].item_id, f.item(2));
  EXPECT_EQ(f.comp.steps()[1].item_id, f.item(0));
  EXPECT_EQ(f.comp.caseStudy().target_behavior, f.behavior("cart"));
  // Unknown items are refused without touching the document.
  EXPECT_THROW(f.comp.insertSteps(-1, {999999}), tmf::Error);
  EXPECT_EQ(undo->count(), 5);
}

TEST(Composer, DropsFromGalleryAndReordersByDrag) {
  Fixture f("drop");
  SequenceModel seq(&f.comp, &f.cache);
  ItemGalleryModel gallery(&f.cache);
  gallery.setDataset(f.ds);
  std::unique_ptr<QMimeData> mime(gallery.mimeData({gallery.index(4), gallery.index(5)}));
  ASSERT_TRUE(seq.canDropMimeData(mime.get(), Qt::CopyAction, -1, 0, {}));
  ASSERT_TRUE(seq.dropMimeData(mime.get(), Qt::CopyAction, -1, 0, {}));
  std::unique_ptr<QMimeData> one(gallery.mimeData({gallery.index(7)}));
  ASSERT_TRUE(seq.dropMimeData(one.get(), Qt::CopyAction, 0, 0, {}));  // dropped in front
  ASSERT_EQ(seq.rowCount(), 3);
  EXPECT_EQ(seq.data(seq.index(0), SequenceModel::ItemIdRole).toLongLong(), f.item(7));
  // Drag step 0 behind the last one.
  std::unique_ptr<QMimeData> step(seq.mimeData({seq.index(0)}));
  ASSERT_TRUE(seq.dropMimeData(step.get(), Qt::MoveAction, 3, 0, {}));
  EXPECT_EQ(seq.data(seq.index(2), SequenceModel::ItemIdRole).toLongLong(), f.item(7));
  EXPECT_EQ(seq.data(seq.index(0), SequenceModel::ItemIdRole).toLongLong(), f.item(4));
  f.comp.undoStack()->undo();
  EXPECT_EQ(seq.data(seq.index(0), SequenceModel::ItemIdRole).toLongLong(), f.item(7));
  // Candidates accept gallery drops too.
  CandidateModel cand(&f.comp, &f.cache);
  QAbstractItemModelTester tester(&cand, QAbstractItemModelTester::FailureReportingMode::Fatal);
  ASSERT_TRUE(cand.dropMimeData(mime.get(), Qt::CopyAction, -1, 0, {}));
  EXPECT_EQ(cand.rowCount(), 2);
  ASSERT_TRUE(cand.setData(cand.index(1), Qt::Checked, Qt::CheckStateRole));
  EXPECT_EQ(f.comp.caseStudy().expected, 1);
  EXPECT_EQ(cand.data(cand.index(1), Qt::CheckStateRole).toInt(), int(Qt::Checked));
}

TEST(Composer, CandidateSamplingIsSeededAndKeepsTheExpectedItem) {
  Fixture f("sample");
  f.comp.insertSteps(-1, {f.item(0), f.item(1)});
  f.comp.sampleCandidates(7, 10);
  const std::vector<int64_t> first = f.comp.candidates();
  ASSERT_EQ(first.size(), 10u);
  for (int64_t c : first) EXPECT_TRUE(c != f.item(0) && c != f.item(1)) << "a history item was drawn";
  f.comp.sampleCandidates(8, 10);
  EXPECT_NE(f.comp.candidates(), first);
  f.comp.sampleCandidates(7, 10);
  EXPECT_EQ(f.comp.candidates(), first);  // same seed, same draw
  f.comp.setExpected(3);
  const int64_t expected = first[3];
  f.comp.sampleCandidates(9, 5);
  ASSERT_EQ(f.comp.candidates().size(), 5u);
  ASSERT_GE(f.comp.caseStudy().expected, 0);
  EXPECT_EQ(f.comp.candidates()[size_t(f.comp.caseStudy().expected)], expected);
  f.comp.removeCandidates({f.comp.caseStudy().expected});
  EXPECT_EQ(f.comp.caseStudy().expected, -1);
}

TEST(Composer, CaseStudiesSaveAndLoadWithSyntheticItems) {
  Fixture f("cases");
  const qint64 mine = f.comp.addNewItem(QStringLiteral("My prototype lamp"), QStringLiteral("A lamp I made up"),
                                        png_bytes(20, 10, 200));
  EXPECT_LT(mine, 0);
  EXPECT_FALSE(f.comp.newItemImage(mine).isNull());
  f.comp.insertSteps(-1, {f.item(0), mine, f.item(2)});
  f.comp.setStepBehavior({2}, f.behavior("cart"));
  f.comp.addCandidates({f.item(10), f.item(11), mine});
  f.comp.setExpected(2);
  f.comp.setName(QStringLiteral("lamp case"));
  f.comp.setNotes(QStringLiteral("does the model pick the made-up lamp?"));
  const int64_t id = f.comp.saveToDataset();
  ASSERT_GT(id, 0);
  // A bad image is refused before it enters the document.
  const std::vector<uint8_t> junk = {'n', 'o', 't', ' ', 'a', 'n', ' ', 'i', 'm', 'a', 'g', 'e'};
  EXPECT_THROW(f.comp.addNewItem(QStringLiteral("bad"), QString(), junk), tmf::Error);

  // Reload from a second connection: everything round-trips.
  tmf::Dataset other = tmf::Dataset::open(f.ds->path.toStdString());
  const auto list = tmf::list_case_studies(other);
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].name, "lamp case");
  EXPECT_EQ(list[0].steps, 3);
  tmf::CaseStudy cs = tmf::load_case_study(other, id);
  EXPECT_EQ(cs.notes, "does the model pick the made-up lamp?");
  ASSERT_EQ(cs.steps.size(), 3u);
  EXPECT_EQ(cs.steps[1].item_id, mine);
  EXPECT_EQ(cs.steps[2].behavior_id, f.behavior("cart"));
  EXPECT_EQ(cs.candidates, (std::vector<int64_t>{f.item(10), f.item(11), mine}));
  EXPECT_EQ(cs.expected, 2);
  ASSERT_EQ(cs.new_items.size(), 1u);
  EXPECT_EQ(cs.new_items[0].name, "My prototype lamp");
  EXPECT_EQ(cs.new_items[0].image_format, "png");
  EXPECT_EQ(cs.new_items[0].image, png_bytes(20, 10, 200));

  // Saving again updates in place; undo keeps the storage id.
  f.comp.undoStack()->undo();
  f.comp.saveToDataset();
  EXPECT_EQ(tmf::list_case_studies(other).size(), 1u);
  EXPECT_EQ(tmf::load_case_study(other, id).expected, -1);

  // The panel loads it into a fresh document (undo stack cleared).
  ComposerPanel panel(&f.comp, &f.cache);
  panel.refreshCaseList();
  f.comp.clear();
  EXPECT_TRUE(f.comp.steps().empty());
  ASSERT_TRUE(panel.loadCaseStudy(id, /*quiet=*/true));
  EXPECT_EQ(f.comp.steps().size(), 3u);
  EXPECT_EQ(f.comp.itemName(mine), QStringLiteral("My prototype lamp"));
  EXPECT_EQ(f.comp.undoStack()->count(), 0);
  EXPECT_FALSE(panel.loadCaseStudy(id + 100, /*quiet=*/true));

  // Inconsistent case studies are refused by core with the offending value.
  tmf::CaseStudy bad = cs;
  bad.id = 0;
  bad.steps.push_back({-42, f.behavior("view")});
  try {
    tmf::save_case_study(other, bad);
    FAIL() << "saved a step naming a missing new item";
  } catch (const tmf::Error& e) {
    EXPECT_NE(std::string(e.what()).find("-42"), std::string::npos) << e.what();
  }
  tmf::delete_case_study(other, id);
  EXPECT_TRUE(tmf::list_case_studies(other).empty());
}

TEST(Composer, RequestCarriesTheCompositionToInference) {
  Fixture f("request");
  EXPECT_THROW(f.comp.request(), tmf::Error);  // empty
  const qint64 mine = f.comp.addNewItem(QStringLiteral("Made up"), QStringLiteral("text"), {});
  f.comp.insertSteps(-1, {f.item(1), mine});
  EXPECT_THROW(f.comp.request(), tmf::Error);  // no candidates
  f.comp.sampleCandidates(1, 4);
  tmf::InferenceRequest r = f.comp.request();
  EXPECT_EQ(r.history_items, (std::vector<int64_t>{f.item(1), mine}));
  EXPECT_EQ(r.history_behaviors.size(), 2u);
  EXPECT_EQ(r.candidates.size(), 4u);
  ASSERT_EQ(r.new_items.size(), 1u);
  EXPECT_EQ(r.new_items[0].name, "Made up");
  EXPECT_EQ(r.target_behavior, f.behavior("purchase"));
}
