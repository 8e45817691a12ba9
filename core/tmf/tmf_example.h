// One recommendation example as TMF sees it (torch-free): the user's history of (item, behavior),
// the target behavior, the candidate items and which of them is the truth. Built from a dataset
// split row and its stored candidate set, or composed by hand in the app.
#pragma once
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "prompt/hybrid_prompt.h"

namespace tmf {

class Dataset;
struct SplitRow;
struct CandidateRow;

struct TmfExample {
  std::vector<int64_t> history_items;      // dataset item ids, oldest first
  std::vector<int64_t> history_behaviors;  // dataset behavior ids
  int64_t target_behavior = 0;
  std::vector<int64_t> candidates;         // dataset item ids, presentation order
  int truth = -1;                          // index into candidates, -1 when unknown
  // Training only (TuneOptions::history_name_dropout): history steps whose item name the prompt
  // leaves out (the step keeps its behavior and, in hard prompts, its item token). Empty: none.
  std::vector<uint8_t> hide_name;
};

// The word a prompt writes for a history item whose name is hidden.
constexpr const char* kHiddenItemName = "item";

// Names of items and behaviors, for prompts, and each item's kind (the last, most specific of its
// categories), which prompts may write before candidate names (PromptInput::candidate_kinds).
struct NameBook {
  std::unordered_map<int64_t, std::string> items, behaviors;
  std::unordered_map<int64_t, std::string> kinds;
  static NameBook of(const Dataset& ds);
  const std::string& item(int64_t id) const;
  const std::string& behavior(int64_t id) const;
  std::string kind(int64_t id) const;  // "" when unknown
};
// The answer form with candidate kinds: "kind: name" ("name" when the kind is empty).
std::string answer_form(const std::string& kind, const std::string& name);
// The most specific category of a '|'-separated list ("Electronics|Power|Wall Charger" -> "Wall Charger").
std::string item_kind(const std::string& categories);

// with_kinds: candidates carry their kinds (PromptInput::candidate_kinds).
PromptInput prompt_input(const TmfExample& ex, const NameBook& names, bool with_kinds = false);

// Example of a stored split row with its candidate row.
TmfExample example_of(const SplitRow& row, const CandidateRow& cands, int64_t target_behavior);
// Examples of a stored split part with its stored candidate set (data/evaluation_rows.h: a row
// without its candidate row is an error naming the user); limit > 0 keeps the first `limit`.
std::vector<TmfExample> stored_examples(const Dataset& ds, const std::string& split, const std::string& candidates,
                                        const std::string& part, int64_t limit = 0);

}  // namespace tmf
