#include <gtest/gtest.h>

#include <set>

#include "util/rng.h"

TEST(Rng, SameSeedSameStream) {
  tmf::Rng a(42), b(42), c(43);
  bool differs = false;
  for (int i = 0; i < 100; ++i) {
    uint64_t x = a.next();
    EXPECT_EQ(x, b.next());
    differs |= x != c.next();
  }
  EXPECT_TRUE(differs);
}

TEST(Rng, BelowIsInRangeAndCoversIt) {
  tmf::Rng r(1);
  std::set<uint64_t> seen;
  for (int i = 0; i < 2000; ++i) {
    uint64_t v = r.below(11);
    ASSERT_LT(v, 11u);
    seen.insert(v);
  }
  EXPECT_EQ(seen.size(), 11u);
}

TEST(Rng, UniformMeanAndWeighted) {
  tmf::Rng r(7);
  double sum = 0;
  for (int i = 0; i < 20000; ++i) sum += r.uniform();
  EXPECT_NEAR(sum / 20000, 0.5, 0.01);
  std::vector<double> w = {0, 3, 1};
  int counts[3] = {0, 0, 0};
  for (int i = 0; i < 4000; ++i) counts[r.weighted(w)]++;
  EXPECT_EQ(counts[0], 0);
  EXPECT_NEAR(counts[1] / 4000.0, 0.75, 0.03);
}
