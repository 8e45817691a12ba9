// Fleiss' kappa against published worked examples, hand-computed cases and the documented limits.
#include <gtest/gtest.h>

#include <cmath>

#include "rating/fleiss_kappa.h"
#include "util/error.h"

using namespace tmf;

namespace {
// Counts of a table of raw ratings (rows = subjects, values 1..k).
std::vector<std::vector<int>> counts_of(const std::vector<std::vector<int>>& raw, int k) {
  std::vector<std::vector<int>> t;
  for (auto& r : raw) {
    std::vector<int> row(size_t(k), 0);
    for (int v : r) row[size_t(v - 1)]++;
    t.push_back(row);
  }
  return t;
}
}  // namespace

// Wikipedia "Fleiss' kappa" worked example: 10 subjects, 14 raters, 5 categories; kappa 0.210
// (statsmodels' test_inter_rater.py uses the same table and value).
TEST(FleissKappa, WikipediaWorkedExample) {
  std::vector<std::vector<int>> t = {{0, 0, 0, 0, 14}, {0, 2, 6, 4, 2}, {0, 0, 3, 5, 6}, {0, 3, 9, 2, 0},
                                     {2, 2, 8, 1, 1},  {7, 7, 0, 0, 0}, {3, 2, 6, 3, 0}, {2, 5, 3, 2, 2},
                                     {6, 5, 2, 1, 0},  {0, 2, 2, 3, 7}};
  FleissKappa k = fleiss_kappa(t);
  ASSERT_TRUE(k.defined);
  EXPECT_EQ(k.subjects, 10);
  EXPECT_EQ(k.raters, 14);
  EXPECT_NEAR(k.observed, 0.378, 5e-4);  // P-bar in the article
  EXPECT_NEAR(k.expected, 0.213, 5e-4);  // P-bar_e in the article
  EXPECT_NEAR(k.kappa, 0.210, 5e-4);
}

// Fleiss (1971): 30 patients, 6 psychiatrists, 5 diagnoses (R irr's `diagnoses`); R's
// irr::kappam.fleiss gives kappa 0.4302445, z 17.65183, p-value 0.
TEST(FleissKappa, Fleiss1971DiagnosesMatchesIrr) {
  std::vector<std::vector<int>> raw = {
      {4, 4, 4, 4, 4, 4}, {2, 2, 2, 5, 5, 5}, {2, 3, 3, 3, 3, 5}, {5, 5, 5, 5, 5, 5}, {2, 2, 2, 4, 4, 4},
      {1, 1, 3, 3, 3, 3}, {3, 3, 3, 3, 5, 5}, {1, 1, 3, 3, 3, 4}, {1, 1, 4, 4, 4, 4}, {5, 5, 5, 5, 5, 5},
      {1, 4, 4, 4, 4, 4}, {1, 2, 4, 4, 4, 4}, {2, 2, 2, 3, 3, 3}, {1, 4, 4, 4, 4, 4}, {2, 2, 4, 4, 4, 5},
      {3, 3, 3, 3, 3, 5}, {1, 1, 1, 4, 5, 5}, {1, 1, 1, 1, 1, 2}, {2, 2, 4, 4, 4, 4}, {1, 3, 3, 5, 5, 5},
      {5, 5, 5, 5, 5, 5}, {2, 4, 4, 4, 4, 4}, {2, 2, 4, 5, 5, 5}, {1, 1, 4, 4, 4, 4}, {1, 4, 4, 4, 4, 5},
      {2, 2, 2, 2, 2, 4}, {1, 1, 1, 1, 5, 5}, {2, 2, 4, 4, 4, 4}, {1, 3, 3, 3, 3, 3}, {5, 5, 5, 5, 5, 5}};
  auto t = counts_of(raw, 5);
  int col[5] = {0, 0, 0, 0, 0};
  for (auto& r : t)
    for (int j = 0; j < 5; ++j) col[j] += r[size_t(j)];
  EXPECT_EQ(col[0], 26);  // category totals as in Fleiss (1971) / statsmodels
  EXPECT_EQ(col[3], 55);
  FleissKappa k = fleiss_kappa(t);
  ASSERT_TRUE(k.defined);
  EXPECT_NEAR(k.kappa, 0.4302445, 1e-7);
  EXPECT_NEAR(k.z, 17.65183, 1e-5);
  EXPECT_LT(k.p_value, 1e-60);
}

// Hand computation: 4 subjects, 2 raters, 2 categories, rows (2,0) (0,2) (1,1) (2,0).
// p = (5/8, 3/8); P_i = 1, 1, 0, 1 so P-bar = 3/4; P_e = 34/64; kappa = (3/4 - 34/64)/(30/64) = 7/15.
// sum p q = 30/64, sum p q (q - p) = 0, so var0 = 2 / (4 * 2 * 1) = 1/4, se0 = 1/2, z = 14/15,
// two-sided p = 2 (1 - Phi(0.9333)) = 0.350648.
TEST(FleissKappa, HandComputedZAndPValue) {
  FleissKappa k = fleiss_kappa({{2, 0}, {0, 2}, {1, 1}, {2, 0}});
  ASSERT_TRUE(k.defined);
  EXPECT_NEAR(k.observed, 0.75, 1e-12);
  EXPECT_NEAR(k.expected, 34.0 / 64, 1e-12);
  EXPECT_NEAR(k.kappa, 7.0 / 15, 1e-12);
  EXPECT_NEAR(k.se0, 0.5, 1e-12);
  EXPECT_NEAR(k.z, 14.0 / 15, 1e-12);
  EXPECT_NEAR(k.p_value, 0.3506479, 1e-6);
}

TEST(FleissKappa, NormalPValueKnownQuantiles) {
  EXPECT_NEAR(normal_two_sided_p(1.959963985), 0.05, 1e-9);
  EXPECT_NEAR(normal_two_sided_p(-2.575829304), 0.01, 1e-9);
  EXPECT_NEAR(normal_two_sided_p(0), 1.0, 1e-15);
}

TEST(FleissKappa, PerfectAgreementIsOne) {
  FleissKappa k = fleiss_kappa({{3, 0, 0}, {0, 3, 0}, {0, 0, 3}, {3, 0, 0}});
  ASSERT_TRUE(k.defined);
  EXPECT_DOUBLE_EQ(k.observed, 1.0);
  EXPECT_NEAR(k.kappa, 1.0, 1e-12);
  EXPECT_GT(k.z, 0);
  EXPECT_LT(k.p_value, 0.05);
}

// Agreement no better than chance: two raters always split between two categories -> kappa -1
// for this table (P-bar 0, P_e 1/2).
TEST(FleissKappa, SystematicDisagreementIsNegative) {
  FleissKappa k = fleiss_kappa({{1, 1}, {1, 1}, {1, 1}});
  ASSERT_TRUE(k.defined);
  EXPECT_NEAR(k.kappa, -1.0, 1e-12);
}

TEST(FleissKappa, SingleCategoryIsUndefinedWithReason) {
  FleissKappa k = fleiss_kappa({{0, 0, 0, 0, 4}, {0, 0, 0, 0, 4}});
  EXPECT_FALSE(k.defined);
  EXPECT_TRUE(std::isnan(k.kappa));
  EXPECT_TRUE(std::isnan(k.p_value));
  EXPECT_NE(k.reason.find("one category"), std::string::npos);
  EXPECT_DOUBLE_EQ(k.observed, 1.0);
}

TEST(FleissKappa, MissingRatingsAndBadTablesAreRefused) {
  try {
    fleiss_kappa({{2, 1, 0}, {1, 1, 0}});  // subject 1 lacks one rater
    FAIL() << "unequal raters accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("subject 1 has 2 ratings but subject 0 has 3"), std::string::npos) << e.what();
  }
  EXPECT_THROW(fleiss_kappa({}), Error);
  EXPECT_THROW(fleiss_kappa({{1, 0}, {0, 1}}), Error);   // one rater per subject
  EXPECT_THROW(fleiss_kappa({{1, 1}, {1, 1, 0}}), Error);  // ragged
  EXPECT_THROW(fleiss_kappa({{3, -1}}), Error);
}
