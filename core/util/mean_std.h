// Mean and sample standard deviation over seeds, as every results table here reports them
// ("0.4120 ± 0.0131"): the standard deviation divides by n - 1, and is 0 for one value; both are 0
// for none.
#pragma once
#include <string>
#include <utility>
#include <vector>

namespace tmf {

std::pair<double, double> mean_std(const std::vector<double>& v);  // (mean, sample std)
// "0.4120 ± 0.0131": mean_std(v) with `digits` decimals.
std::string format_mean_std(const std::vector<double>& v, int digits = 4);

}  // namespace tmf
