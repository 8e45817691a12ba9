#include <gtest/gtest.h>

#include <set>

#include "data/candidates.h"
#include "data/evaluation_rows.h"
#include "data/split.h"
#include "data/sqlite.h"
#include "test_util.h"
#include "util/error.h"
#include "util/strings.h"

using namespace tmf;

namespace {
// u1: 3 purchases (train, valid, test); u2: 1 purchase (test only); u3: none (skipped);
// u4: a purchase as its first event only (no history: skipped).
std::vector<std::string> kEvents = {
    "u1 i1 view 1",  "u1 i2 purchase 2", "u1 i3 view 3", "u1 i4 cart 4", "u1 i4 purchase 5",
    "u1 i5 view 6",  "u1 i6 purchase 7", "u1 i7 view 8", "u2 i8 view 1",  "u2 i9 purchase 2",
    "u3 i1 view 1",  "u3 i2 cart 2",     "u4 i3 purchase 1"};
}  // namespace

TEST(Split, LastTargetIsTestPreviousIsValid) {
  test::TempDir dir;
  Dataset ds = test::make_dataset(dir.file("s.tmfdb"), 40, kEvents);
  SplitOptions o;
  o.history_len = 20;
  SplitSummary s = make_split(ds, o);
  EXPECT_EQ(s.test_rows, 2);
  EXPECT_EQ(s.valid_rows, 1);
  EXPECT_EQ(s.users_skipped, 2);
  auto test = load_split_rows(ds, "default", "test");
  ASSERT_EQ(test.size(), 2u);
  EXPECT_EQ(ds.item(test[0].target_item_id).external_id, "i6");
  ASSERT_EQ(test[0].history.size(), 6u);  // everything before the test target
  EXPECT_EQ(ds.item(test[0].history.back().item_id).external_id, "i5");
  auto valid = load_split_rows(ds, "default", "valid");
  ASSERT_EQ(valid.size(), 1u);
  EXPECT_EQ(ds.item(valid[0].target_item_id).external_id, "i4");
  EXPECT_EQ(valid[0].history.size(), 4u);
  auto train = training_rows(ds, "default");
  ASSERT_EQ(train.size(), 1u);
  EXPECT_EQ(ds.item(train[0].target_item_id).external_id, "i2");
  EXPECT_EQ(train[0].history.size(), 1u);
}

TEST(Split, HistoryIsCappedToTheLastL) {
  test::TempDir dir;
  Dataset ds = test::make_dataset(dir.file("s.tmfdb"), 40, kEvents);
  SplitOptions o;
  o.history_len = 2;
  make_split(ds, o);
  auto test = load_split_rows(ds, "default", "test");
  ASSERT_EQ(test[0].history.size(), 2u);
  EXPECT_EQ(ds.item(test[0].history[0].item_id).external_id, "i4");  // the purchase at t=5
  EXPECT_EQ(ds.item(test[0].history[1].item_id).external_id, "i5");
  EXPECT_THROW(make_split(ds, o), Error);  // exists
  o.replace = true;
  EXPECT_NO_THROW(make_split(ds, o));
  o.history_len = 0;
  EXPECT_THROW(make_split(ds, o), Error);
}

TEST(Candidates, TruthOnceNoHistoryItemsDeterministic) {
  test::TempDir dir;
  Dataset ds = test::make_dataset(dir.file("s.tmfdb"), 40, kEvents);
  make_split(ds, SplitOptions{});
  CandidateOptions co;
  co.seed = 7;
  auto sum = make_candidates(ds, co);
  EXPECT_EQ(sum.rows, 3);
  auto rows = load_candidates(ds, sum.set_id, "");
  ASSERT_EQ(rows.size(), 3u);
  std::set<int> positions;
  for (auto& r : rows) {
    ASSERT_EQ(r.items.size(), 11u);
    std::set<int64_t> uniq(r.items.begin(), r.items.end());
    EXPECT_EQ(uniq.size(), 11u);
    std::set<int64_t> seen;
    for (auto& e : ds.user_events(r.user_id)) seen.insert(e.item_id);
    int truth_count = 0;
    for (size_t i = 0; i < r.items.size(); ++i) {
      if (int(i) == r.truth_pos) {
        ++truth_count;
        continue;
      }
      EXPECT_FALSE(seen.count(r.items[i])) << "negative from the user's own history";
    }
    EXPECT_EQ(truth_count, 1);
    positions.insert(r.truth_pos);
  }
  // Same seed -> identical sets; another seed -> different sets.
  co.name = "again";
  auto again = load_candidates(ds, make_candidates(ds, co).set_id, "");
  for (size_t i = 0; i < rows.size(); ++i) EXPECT_EQ(rows[i].items, again[i].items);
  co.name = "other";
  co.seed = 8;
  auto other = load_candidates(ds, make_candidates(ds, co).set_id, "");
  bool differs = false;
  for (size_t i = 0; i < rows.size(); ++i) differs |= rows[i].items != other[i].items;
  EXPECT_TRUE(differs);
}

TEST(Candidates, HardModeDrawsFromTheTargetsCategory) {
  test::TempDir dir;
  Dataset ds = test::make_dataset(dir.file("s.tmfdb"), 60, kEvents);
  make_split(ds, SplitOptions{});
  CandidateOptions co;
  co.mode = "hard";
  auto sum = make_candidates(ds, co);
  EXPECT_EQ(sum.topped_up, 0);
  for (auto& r : load_candidates(ds, sum.set_id, "test")) {
    std::string cat = ds.item(r.truth()).categories;
    for (int64_t c : r.items) EXPECT_EQ(ds.item(c).categories, cat);
  }
  co.mode = "sideways";
  co.name = "bad";
  EXPECT_THROW(make_candidates(ds, co), Error);
}

TEST(Candidates, TooFewItemsIsAClearError) {
  test::TempDir dir;
  Dataset ds = test::make_dataset(dir.file("s.tmfdb"), 9, kEvents);
  make_split(ds, SplitOptions{});
  EXPECT_THROW(make_candidates(ds, CandidateOptions{}), Error);
}

// data/evaluation_rows.h: each split row of a part with its candidate row, in user order; one
// policy for a join that does not hold: an error naming the user, never a row silently dropped.
TEST(EvaluationRows, JoinSplitRowsWithTheirCandidatesOrNameTheUser) {
  test::TempDir dir;
  Dataset ds = test::make_dataset(dir.file("e.tmfdb"), 40, kEvents);
  make_split(ds, SplitOptions{});
  make_candidates(ds, CandidateOptions{});
  const EvaluationRows test_rows = load_evaluation_rows(ds, "default", "default", "test");
  ASSERT_EQ(test_rows.size(), 2u);  // u1 and u2
  for (size_t i = 0; i < test_rows.size(); ++i) {
    EXPECT_EQ(test_rows.candidates[i].row_id, test_rows.rows[i].id);
    EXPECT_EQ(test_rows.candidates[i].truth(), test_rows.rows[i].target_item_id);
  }
  EXPECT_EQ(ds.user_external_id(test_rows.rows[0].user_id), "u1");
  EXPECT_EQ(test_rows.find_user(test_rows.rows[1].user_id), std::optional<size_t>(1));
  EXPECT_FALSE(test_rows.find_user(-5).has_value());
  EXPECT_EQ(load_evaluation_rows(ds, "default", "default", "test", 1).size(), 1u);
  EXPECT_EQ(load_evaluation_rows(ds, "default", "default", "valid").size(), 1u);  // u1 only

  // A candidate row gone: the user is named.
  ds.db().exec("DELETE FROM candidates WHERE row_id = " + std::to_string(test_rows.rows[1].id));
  try {
    load_evaluation_rows(ds, "default", "default", "test");
    FAIL() << "a split row without its candidate row was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("user 'u2' has a test row in split 'default' but no candidate row"),
              std::string::npos) << e.what();
  }
  EXPECT_THROW(load_evaluation_rows(ds, "default", "nope", "test"), Error);
}
