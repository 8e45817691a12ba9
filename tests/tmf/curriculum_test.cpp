#include <gtest/gtest.h>

#include "train/curriculum.h"
#include "util/error.h"
#include "util/rng.h"

using namespace tmf;

TEST(Curriculum, ProbabilitiesAtChosenTau) {
  Curriculum c(/*t1=*/40, /*total=*/100);
  EXPECT_DOUBLE_EQ(c.harder_probability(0), 0.0);
  EXPECT_DOUBLE_EQ(c.harder_probability(20), 0.2);   // Eq. 12: tau / T
  EXPECT_DOUBLE_EQ(c.harder_probability(40), 0.4);   // still Eq. 12 at T1
  EXPECT_DOUBLE_EQ(c.harder_probability(70), 0.5);   // Eq. 13: (70-40)/(100-40)
  EXPECT_DOUBLE_EQ(c.harder_probability(100), 1.0);
  EXPECT_EQ(c.pick(0, 0.0), Task::Easy);             // p = 0: never the harder task
  EXPECT_EQ(c.pick(20, 0.19), Task::Medium);
  EXPECT_EQ(c.pick(20, 0.21), Task::Easy);
  EXPECT_EQ(c.pick(70, 0.49), Task::Hard);
  EXPECT_EQ(c.pick(70, 0.51), Task::Medium);
  EXPECT_EQ(c.pick(100, 0.999), Task::Hard);
  EXPECT_THROW(Curriculum(100, 100), Error);
  EXPECT_THROW(Curriculum(-1, 10), Error);
}

TEST(Curriculum, EmpiricalSharesFollowTheEquations) {
  Curriculum c(50, 200);
  Rng rng(3);
  int medium = 0, hard = 0, n = 20000;
  for (int i = 0; i < n; ++i) medium += c.pick(25, rng.uniform()) == Task::Medium;
  for (int i = 0; i < n; ++i) hard += c.pick(125, rng.uniform()) == Task::Hard;
  EXPECT_NEAR(medium / double(n), 25.0 / 200, 0.01);
  EXPECT_NEAR(hard / double(n), 75.0 / 150, 0.01);
}
