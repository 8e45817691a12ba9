// util/mean_std.h: the mean ± sample standard deviation every results table reports.
#include <gtest/gtest.h>

#include "util/mean_std.h"

TEST(MeanStd, SampleStandardDeviationOverSeeds) {
  auto [m, s] = tmf::mean_std({0.40, 0.42, 0.44});
  EXPECT_NEAR(m, 0.42, 1e-12);
  EXPECT_NEAR(s, 0.02, 1e-12);  // divides by n - 1
  EXPECT_EQ(tmf::mean_std({0.5}), std::make_pair(0.5, 0.0));
  EXPECT_EQ(tmf::mean_std({}), std::make_pair(0.0, 0.0));
  EXPECT_EQ(tmf::format_mean_std({0.40, 0.42, 0.44}), "0.4200 ± 0.0200");
  EXPECT_EQ(tmf::format_mean_std({0.40, 0.42, 0.44}, 3), "0.420 ± 0.020");
}
