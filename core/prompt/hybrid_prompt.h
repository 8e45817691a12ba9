// Hybrid prompts of TMF (paper §4.2, Fig. 3; LLaRA's protocol): an instruction with the user's
// history (item names with their behaviors), the target behavior and the candidate names. Three
// curriculum variants:
//   easy    text only                                   "view Voltix X42 Headphones, ..."
//   medium  + a behavior token after each behavior name "view [MT_b] Voltix X42 Headphones, ..."
//   hard    + an item token after each item name        "view [MT_b] Voltix X42 Headphones [MT_i], ..."
// (candidates get item tokens in the hard variant, the target behavior a behavior token from
// medium on). The placeholders' input embeddings are replaced by adaptor outputs (tmf_model.h);
// they are never generated. The answer is the target item's name. Several instruction templates
// exist; training draws one at random per example. Candidates may carry their kind before their
// name (PromptInput::candidate_kinds).
//
// Torch-free: the views show prompts with the placeholders marked.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "prompt/task.h"

namespace tmf {

class Tokenizer;

constexpr const char* kItemToken = "[MT_i]";
constexpr const char* kBehaviorToken = "[MT_b]";
constexpr int kNumPromptTemplates = 3;

struct PromptStep {
  std::string item_name;
  std::string behavior;     // behavior name as in the dataset vocabulary
  int64_t behavior_id = 0;  // dataset behavior id (for the behavior adaptor)
};

struct PromptInput {
  std::vector<PromptStep> history;      // oldest first
  std::string target_behavior;
  int64_t target_behavior_id = 0;
  std::vector<std::string> candidates;  // names, presentation order
  // Optional, one per candidate: the candidate's kind (its most specific category), written before
  // its name ("Wall Charger: Pixelon Rapid WB976 Wall Charger"). An item name puts the most
  // telling word last; the answer is generated from the first word on, so the model must find the
  // candidate it means before it writes a word. With the kind first, finding it is one look-up:
  // the kind the history asks for, then the name that follows it. Empty: names only.
  std::vector<std::string> candidate_kinds;
  // Hard prompts: each candidate's item token before its name ("[MT_i] Kind: Name") instead of
  // after it (Fig. 3c). In a causal model a token only sees what precedes it: first, the item
  // token informs the candidate's name tokens, which the answer's first step points at.
  bool item_token_first = false;
};

// What a placeholder stands for.
struct PlaceholderRef {
  enum class Kind { HistoryItem, CandidateItem, Behavior } kind;
  int index = 0;            // history position or candidate index
  int64_t behavior_id = 0;  // for Behavior
};

struct PromptPart {
  std::string text;                   // literal text, or the placeholder string
  bool is_placeholder = false;
  PlaceholderRef ref{PlaceholderRef::Kind::HistoryItem, 0, 0};
};

struct HybridPrompt {
  std::vector<PromptPart> parts;
  int template_id = 0;
  Task level = Task::Easy;
  std::string render() const;  // the prompt text with placeholders as [MT_i] / [MT_b]
};

HybridPrompt build_prompt(const PromptInput& in, Task level, int template_id);

// Token ids of a prompt; placeholder positions and what they refer to.
struct TokenizedPrompt {
  std::vector<int> ids;  // BOS + prompt (no answer)
  std::vector<std::pair<int, PlaceholderRef>> placeholders;  // (position in ids, reference)
};
// item_token / behavior_token: the tokenizer ids of kItemToken / kBehaviorToken.
TokenizedPrompt tokenize_prompt(const HybridPrompt& p, const Tokenizer& tok, int item_token, int behavior_token);


}  // namespace tmf
