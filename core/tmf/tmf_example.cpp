#include "tmf/tmf_example.h"

#include <algorithm>

#include "data/dataset.h"
#include "data/evaluation_rows.h"
#include "util/error.h"

namespace tmf {

std::string answer_form(const std::string& kind, const std::string& name) {
  return kind.empty() ? name : kind + ": " + name;
}

std::string item_kind(const std::string& categories) {
  const auto bar = categories.rfind('|');
  return bar == std::string::npos ? categories : categories.substr(bar + 1);
}

NameBook NameBook::of(const Dataset& ds) {
  NameBook b;
  for (auto& it : ds.items()) {
    b.items[it.id] = it.name;
    b.kinds[it.id] = item_kind(it.categories);
  }
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

std::string NameBook::kind(int64_t id) const {
  auto it = kinds.find(id);
  return it == kinds.end() ? std::string() : it->second;
}

PromptInput prompt_input(const TmfExample& ex, const NameBook& names, bool with_kinds) {
  PromptInput in;
  for (size_t i = 0; i < ex.history_items.size(); ++i)
    in.history.push_back(PromptStep{i < ex.hide_name.size() && ex.hide_name[i] ? std::string(kHiddenItemName)
                                                                              : names.item(ex.history_items[i]),
                                    names.behavior(ex.history_behaviors[i]), ex.history_behaviors[i]});
  in.target_behavior = names.behavior(ex.target_behavior);
  in.target_behavior_id = ex.target_behavior;
  for (int64_t c : ex.candidates) in.candidates.push_back(names.item(c));
  if (with_kinds)
    for (int64_t c : ex.candidates) in.candidate_kinds.push_back(names.kind(c));
  return in;
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

std::vector<TmfExample> stored_examples(const Dataset& ds, const std::string& split, const std::string& candidates,
                                        const std::string& part, int64_t limit) {
  const EvaluationRows rows = load_evaluation_rows(ds, split, candidates, part, limit);
  const int64_t target = ds.target_behavior().id;
  std::vector<TmfExample> out;
  for (size_t i = 0; i < rows.size(); ++i) out.push_back(example_of(rows.rows[i], rows.candidates[i], target));
  return out;
}

}  // namespace tmf
