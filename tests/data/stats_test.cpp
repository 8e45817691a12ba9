#include <gtest/gtest.h>

#include "data/stats.h"
#include "test_util.h"

using namespace tmf;

TEST(Stats, Table1OnAHandMadeDataset) {
  test::TempDir dir;
  Dataset ds = test::make_dataset(dir.file("s.tmfdb"), 6,
                                  {"u1 i1 view 1", "u1 i2 cart 2", "u1 i2 purchase 3", "u2 i3 view 1",
                                   "u2 i4 purchase 2", "u3 i5 view 5"});
  DatasetStats s = dataset_stats(ds);
  EXPECT_EQ(s.items, 6);
  EXPECT_EQ(s.users, 3);
  EXPECT_EQ(s.events, 6);
  EXPECT_DOUBLE_EQ(s.avg_seq_len, 2.0);
  EXPECT_DOUBLE_EQ(s.item_user_ratio, 2.0);
  ASSERT_EQ(s.behaviors, (std::vector<std::string>{"view", "cart", "purchase"}));
  EXPECT_EQ(s.target_behavior, "purchase");
  EXPECT_EQ(s.behavior_counts, (std::vector<int64_t>{3, 1, 2}));
  std::string table = format_table1({s});
  EXPECT_NE(table.find("| hand-made | 6 | 3 | 2.00 | view, cart, purchase (target) | 2.000 |"), std::string::npos) << table;
}
