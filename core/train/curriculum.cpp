#include "train/curriculum.h"

#include <algorithm>

#include "util/error.h"

namespace tmf {

Curriculum::Curriculum(int64_t t1_, int64_t total_) : t1(t1_), total(total_) {
  TMF_CHECK(total > 0 && t1 >= 0 && t1 < total, "curriculum thresholds need 0 <= T1 < T, got T1 ", t1, ", T ", total);
}

double Curriculum::harder_probability(int64_t tau) const {
  tau = std::clamp<int64_t>(tau, 0, total);
  if (tau <= t1) return double(tau) / double(total);        // Eq. 12
  return double(tau - t1) / double(total - t1);             // Eq. 13
}

Task Curriculum::pick(int64_t tau, double u) const {
  const double p = harder_probability(tau);
  const bool harder = u <= p && p > 0;
  if (in_first_stage(tau)) return harder ? Task::Medium : Task::Easy;
  return harder ? Task::Hard : Task::Medium;
}

}  // namespace tmf
