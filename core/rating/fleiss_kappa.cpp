#include "rating/fleiss_kappa.h"

#include <cmath>
#include <limits>

#include "util/error.h"

namespace tmf {

double normal_two_sided_p(double z) { return std::erfc(std::fabs(z) / std::sqrt(2.0)); }

FleissKappa fleiss_kappa(const std::vector<std::vector<int>>& counts) {
  FleissKappa r;
  TMF_CHECK(!counts.empty(), "Fleiss' kappa needs at least one subject, got 0");
  const size_t k = counts[0].size();
  TMF_CHECK(k >= 1, "Fleiss' kappa needs at least one category, got 0");
  int n = -1;
  for (size_t i = 0; i < counts.size(); ++i) {
    TMF_CHECK(counts[i].size() == k, "subject ", i, " has ", counts[i].size(), " categories, expected ", k);
    int row = 0;
    for (int c : counts[i]) {
      TMF_CHECK(c >= 0, "subject ", i, " has a negative count ", c);
      row += c;
    }
    if (n < 0) n = row;
    TMF_CHECK(row == n, "subject ", i, " has ", row, " ratings but subject 0 has ", n,
              ": Fleiss' kappa needs every subject rated by the same number of raters");
  }
  TMF_CHECK(n >= 2, "Fleiss' kappa needs at least 2 ratings per subject, got ", n);
  const double N = double(counts.size()), nn = double(n);
  r.subjects = int(counts.size());
  r.raters = n;
  r.categories = int(k);

  std::vector<double> p(k, 0.0);
  double sum_pi = 0;
  for (auto& row : counts) {
    double sq = 0;
    for (size_t j = 0; j < k; ++j) {
      sq += double(row[j]) * row[j];
      p[j] += row[j];
    }
    sum_pi += (sq - nn) / (nn * (nn - 1));
  }
  for (auto& x : p) x /= N * nn;
  r.observed = sum_pi / N;
  double pe = 0, pq = 0, pqqp = 0;
  for (double pj : p) {
    const double qj = 1 - pj;
    pe += pj * pj;
    pq += pj * qj;
    pqqp += pj * qj * (qj - pj);
  }
  r.expected = pe;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  if (pq <= 1e-15) {  // one category holds every rating: P_e = 1, kappa is 0/0
    r.defined = false;
    r.reason = "every rating is in one category, so chance agreement is 1 and kappa is undefined";
    r.kappa = r.se0 = r.z = r.p_value = nan;
    return r;
  }
  r.defined = true;
  r.kappa = (r.observed - pe) / (1 - pe);
  const double var0 = 2.0 / (pq * pq * N * nn * (nn - 1)) * (pq * pq - pqqp);
  r.se0 = std::sqrt(var0);
  r.z = r.kappa / r.se0;
  r.p_value = normal_two_sided_p(r.z);
  return r;
}

}  // namespace tmf
