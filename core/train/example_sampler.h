// Training examples of TMF drawn on the fly (torch-free). Every target event of a user before the
// validation target is a training row (data/split.h training_rows); a draw takes the next row of a
// shuffled pass over all rows (an epoch; a new order each pass) and pairs it with negatives drawn
// fresh from the items the user never touched, the truth at a random position. So one epoch on
// the demo world is ~2,800 distinct rows, and every pass shows them with new candidate lists.
// Deterministic for a seed: the sampler's only randomness is the Rng it is given.
#pragma once
#include <cstdint>
#include <unordered_map>
#include <vector>

#include "data/split.h"
#include "tmf/tmf_example.h"

namespace tmf {

class Dataset;
class Rng;

// Every item each user interacted with (any behavior), sorted: drawn negatives avoid these.
std::unordered_map<int64_t, std::vector<int64_t>> items_seen_by_user(const Dataset& ds);

// Training example: the truth plus `negatives` items drawn from `catalog` outside `seen`, at a
// random position.
TmfExample training_example(const SplitRow& row, int64_t target_behavior, const std::vector<int64_t>& catalog,
                            const std::vector<int64_t>& seen_sorted, int negatives, Rng& rng);

class ExampleSampler {
 public:
  // `rows`, `catalog` and `seen` must outlive the sampler.
  ExampleSampler(const std::vector<SplitRow>& rows, const std::vector<int64_t>& catalog,
                 const std::unordered_map<int64_t, std::vector<int64_t>>& seen, int64_t target_behavior,
                 int negatives);
  TmfExample next(Rng& rng);
  int64_t passes() const { return passes_; }  // passes over the rows begun so far

 private:
  const std::vector<SplitRow>& rows_;
  const std::vector<int64_t>& catalog_;
  const std::unordered_map<int64_t, std::vector<int64_t>>& seen_;
  int64_t target_;
  int negatives_;
  std::vector<size_t> order_;
  size_t at_ = 0;
  int64_t passes_ = 0;
};

}  // namespace tmf
