#include "util/mean_std.h"

#include <cmath>
#include <cstdio>

namespace tmf {

std::pair<double, double> mean_std(const std::vector<double>& v) {
  if (v.empty()) return {0, 0};
  double m = 0;
  for (double x : v) m += x;
  m /= double(v.size());
  if (v.size() == 1) return {m, 0};
  double s = 0;
  for (double x : v) s += (x - m) * (x - m);
  return {m, std::sqrt(s / double(v.size() - 1))};
}

std::string format_mean_std(const std::vector<double>& v, int digits) {
  const auto [m, s] = mean_std(v);
  char b[96];
  std::snprintf(b, sizeof b, "%.*f ± %.*f", digits, m, digits, s);
  return b;
}

}  // namespace tmf
