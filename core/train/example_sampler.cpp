#include "train/example_sampler.h"

#include <algorithm>

#include "data/dataset.h"
#include "util/error.h"
#include "util/rng.h"

namespace tmf {

std::unordered_map<int64_t, std::vector<int64_t>> items_seen_by_user(const Dataset& ds) {
  std::unordered_map<int64_t, std::vector<int64_t>> seen;
  ds.for_each_user_events([&](int64_t user, const std::vector<Event>& ev) {
    auto& s = seen[user];
    for (auto& e : ev) s.push_back(e.item_id);
    std::sort(s.begin(), s.end());
    s.erase(std::unique(s.begin(), s.end()), s.end());
  });
  return seen;
}

TmfExample training_example(const SplitRow& row, int64_t target_behavior, const std::vector<int64_t>& catalog,
                            const std::vector<int64_t>& seen_sorted, int negatives, Rng& rng) {
  TmfExample ex;
  for (auto& e : row.history) {
    ex.history_items.push_back(e.item_id);
    ex.history_behaviors.push_back(e.behavior_id);
  }
  ex.target_behavior = target_behavior;
  TMF_CHECK(catalog.size() > size_t(negatives) + seen_sorted.size() / 2 || catalog.size() > size_t(negatives) * 2,
            "catalog of ", catalog.size(), " items is too small for ", negatives, " negatives");
  size_t guard = 0;
  while (int(ex.candidates.size()) < negatives && guard++ < catalog.size() * 8) {
    int64_t c = catalog[rng.below(catalog.size())];
    if (c == row.target_item_id || std::binary_search(seen_sorted.begin(), seen_sorted.end(), c) ||
        std::find(ex.candidates.begin(), ex.candidates.end(), c) != ex.candidates.end())
      continue;
    ex.candidates.push_back(c);
  }
  ex.truth = int(rng.below(ex.candidates.size() + 1));
  ex.candidates.insert(ex.candidates.begin() + ex.truth, row.target_item_id);
  return ex;
}

ExampleSampler::ExampleSampler(const std::vector<SplitRow>& rows, const std::vector<int64_t>& catalog,
                               const std::unordered_map<int64_t, std::vector<int64_t>>& seen, int64_t target_behavior,
                               int negatives)
    : rows_(rows), catalog_(catalog), seen_(seen), target_(target_behavior), negatives_(negatives) {
  TMF_CHECK(!rows_.empty(), "no training examples: the split has no target events before the validation targets");
}

TmfExample ExampleSampler::next(Rng& rng) {
  if (at_ >= order_.size()) {
    order_.resize(rows_.size());
    for (size_t i = 0; i < order_.size(); ++i) order_[i] = i;
    rng.shuffle(order_);
    at_ = 0;
    ++passes_;
  }
  const SplitRow& row = rows_[order_[at_++]];
  static const std::vector<int64_t> kNone;
  auto it = seen_.find(row.user_id);
  return training_example(row, target_, catalog_, it == seen_.end() ? kNone : it->second, negatives_, rng);
}

}  // namespace tmf
