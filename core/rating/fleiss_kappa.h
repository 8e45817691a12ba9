// Fleiss' kappa (Fleiss 1971) for N subjects each rated by the same number n >= 2 of raters into k
// categories, with the z-test of H0: kappa = 0 using the large-sample variance of Fleiss, Nee and
// Landis (1979), as R's irr::kappam.fleiss does; the p-value is two-sided, 2 (1 - Phi(|z|)).
//
// Input is the N x k count table (counts[i][j] = raters who put subject i in category j). Limits,
// by design rather than silently guessed:
//   - every row must sum to the same n >= 2: a subject that some rater did not score is refused
//     with a tmf::Error naming the row (callers drop incomplete subjects first, see rating_stats.h);
//   - when every rating falls in one category, chance agreement is 1 and kappa is undefined:
//     `defined` is false, kappa/z/p are NaN and `reason` says why (agreement is still reported).
#pragma once
#include <string>
#include <vector>

namespace tmf {

struct FleissKappa {
  bool defined = false;
  std::string reason;        // why kappa is undefined, empty otherwise
  int subjects = 0;          // N
  int raters = 0;            // n per subject
  int categories = 0;        // k
  double observed = 0;       // P-bar, mean pairwise agreement per subject
  double expected = 0;       // P-bar_e, chance agreement from the category shares
  double kappa = 0;
  double se0 = 0;            // standard error under H0
  double z = 0;
  double p_value = 0;        // two-sided
};

FleissKappa fleiss_kappa(const std::vector<std::vector<int>>& counts);

// Two-sided p-value of a standard normal statistic: 2 (1 - Phi(|z|)) = erfc(|z| / sqrt 2).
double normal_two_sided_p(double z);

}  // namespace tmf
