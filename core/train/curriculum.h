// Curriculum task scheduler of TMF (paper §4.3, Eq. 12-14). Two thresholds T1 < T on the training
// iteration tau:
//   0 <= tau <= T1:  medium with p_m(tau) = tau / T            (Eq. 12), else easy
//   T1 < tau <= T:   hard   with p_h(tau) = (tau - T1)/(T - T1) (Eq. 13), else medium
// A uniform draw u in [0,1] picks the harder task when u <= p (the indicators of Eq. 14).
// Note Eq. 12 divides by T, not T1, so the medium share reaches T1/T at the switch; we keep the
// paper's formula.
#pragma once
#include <cstdint>
#include <string>

#include "prompt/task.h"

namespace tmf {

struct Curriculum {
  int64_t t1 = 0;     // T1
  int64_t total = 1;  // T
  Curriculum(int64_t t1, int64_t total);  // throws unless 0 <= T1 < T

  // Probability of the harder task of the current stage, and which pair is active.
  double harder_probability(int64_t tau) const;
  bool in_first_stage(int64_t tau) const { return tau <= t1; }
  // The task for iteration tau given a uniform draw u in [0, 1).
  Task pick(int64_t tau, double u) const;
};

}  // namespace tmf
