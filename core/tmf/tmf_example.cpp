#include "tmf/tmf_example.h"

#include <algorithm>

#include "data/candidates.h"
#include "data/dataset.h"
#include "data/split.h"
#include "util/error.h"
#include "util/rng.h"

namespace tmf {

NameBook NameBook::of(const Dataset& ds) {
  NameBook b;
  for (auto& it : ds.items()) b.items[it.id] = it.name;
  for (auto& be : ds.behaviors()) b.behaviors[be.id] = be.name;
  return b;
}

const std::string& NameBook::item(int64_t id) const {
  auto it = items.find(id);
  TMF_CHECK(it != items.end(), "no name for item ", id);
  return it->second;
}

const std::string& NameBook::behavior(int64_t id) const {
  auto it = behaviors.find(id);
  TMF_CHECK(it != behaviors.end(), "no name for behavior ", id);
  return it->second;
}

PromptInput prompt_input(const TmfExample& ex, const NameBook& names) {
  PromptInput in;
  for (size_t i = 0; i < ex.history_items.size(); ++i)
    in.history.push_back(PromptStep{names.item(ex.history_items[i]), names.behavior(ex.history_behaviors[i]),
                                    ex.history_behaviors[i]});
  in.target_behavior = names.behavior(ex.target_behavior);
  in.target_behavior_id = ex.target_behavior;
  for (int64_t c : ex.candidates) in.candidates.push_back(names.item(c));
  return in;
}

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

TmfExample example_of(const SplitRow& row, const CandidateRow& cands, int64_t target_behavior) {
  TmfExample ex;
  for (auto& e : row.history) {
    ex.history_items.push_back(e.item_id);
    ex.history_behaviors.push_back(e.behavior_id);
  }
  ex.target_behavior = target_behavior;
  ex.candidates = cands.items;
  ex.truth = cands.truth_pos;
  return ex;
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

std::vector<TmfExample> stored_examples(const Dataset& ds, const std::string& split, const std::string& candidates,
                                        const std::string& part, int64_t limit) {
  auto rows = load_split_rows(ds, split, part);
  auto cand_rows = load_candidates(ds, candidate_set_id(ds, split, candidates), part);
  std::unordered_map<int64_t, const CandidateRow*> by_row;
  for (auto& c : cand_rows) by_row[c.row_id] = &c;
  const int64_t target = ds.target_behavior().id;
  std::vector<TmfExample> out;
  for (auto& r : rows) {
    auto it = by_row.find(r.id);
    if (it == by_row.end() || r.history.empty()) continue;
    out.push_back(example_of(r, *it->second, target));
    if (limit > 0 && int64_t(out.size()) >= limit) break;
  }
  return out;
}

}  // namespace tmf
