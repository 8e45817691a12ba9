#include "prompt/hybrid_prompt.h"

#include <algorithm>

#include "llm/tokenizer.h"
#include "util/error.h"

namespace tmf {
namespace {

// Instruction templates: {H} history, {B} target behavior, {C} candidates.
struct Template {
  const char* before_history;
  const char* before_behavior;
  const char* before_candidates;
  const char* end;
};
constexpr Template kTemplates[kNumPromptTemplates] = {
    {"The user's behaviors, oldest first: ", ". What is the next item to ", "? The candidate items are: ",
     ". Choose only one item from the candidates. The answer is:"},
    {"Here is a shopper's recent activity: ", ". Which item will the shopper ", " next? Candidates: ",
     ". Answer with the name of one candidate:"},
    {"Given this behavior sequence: ", ", predict the item the user will ", " next among: ",
     ". Reply with one item name only. Answer:"},
};

class Builder {
 public:
  void text(const std::string& t) {
    if (!parts_.empty() && !parts_.back().is_placeholder) parts_.back().text += t;
    else parts_.push_back(PromptPart{t, false, {}});
  }
  void token(const char* placeholder, PlaceholderRef ref) {
    const bool spaced = !parts_.empty() && !parts_.back().is_placeholder && !parts_.back().text.empty() &&
                        parts_.back().text.back() == ' ';
    if (!spaced) text(" ");
    parts_.push_back(PromptPart{placeholder, true, ref});
  }
  std::vector<PromptPart> take() { return std::move(parts_); }

 private:
  std::vector<PromptPart> parts_;
};

}  // namespace

HybridPrompt build_prompt(const PromptInput& in, Task level, int template_id) {
  TMF_CHECK(template_id >= 0 && template_id < kNumPromptTemplates, "prompt template ", template_id, " does not exist (0..",
            kNumPromptTemplates - 1, ")");
  TMF_CHECK(!in.history.empty(), "a prompt needs a non-empty history");
  TMF_CHECK(!in.candidates.empty(), "a prompt needs candidates");
  const Template& t = kTemplates[template_id];
  const bool behavior_tokens = level != Task::Easy, item_tokens = level == Task::Hard;
  Builder b;
  b.text(t.before_history);
  for (size_t i = 0; i < in.history.size(); ++i) {
    const auto& s = in.history[i];
    if (i) b.text(", ");
    b.text(s.behavior);
    if (behavior_tokens) b.token(kBehaviorToken, {PlaceholderRef::Kind::Behavior, int(i), s.behavior_id});
    b.text(" " + s.item_name);
    if (item_tokens) b.token(kItemToken, {PlaceholderRef::Kind::HistoryItem, int(i), 0});
  }
  b.text(t.before_behavior);
  b.text(in.target_behavior);
  if (behavior_tokens) b.token(kBehaviorToken, {PlaceholderRef::Kind::Behavior, -1, in.target_behavior_id});
  b.text(t.before_candidates);
  TMF_CHECK(in.candidate_kinds.empty() || in.candidate_kinds.size() == in.candidates.size(), "a prompt has ",
            in.candidate_kinds.size(), " candidate kinds for ", in.candidates.size(), " candidates");
  for (size_t c = 0; c < in.candidates.size(); ++c) {
    if (c) b.text(", ");
    std::string written = in.candidates[c];  // (keep in step with tmf_example.h answer_form)
    if (!in.candidate_kinds.empty() && !in.candidate_kinds[c].empty()) written = in.candidate_kinds[c] + ": " + written;
    const bool first = in.item_token_first;
    if (item_tokens && first) {
      b.token(kItemToken, {PlaceholderRef::Kind::CandidateItem, int(c), 0});
      b.text(" ");
    }
    b.text(written);
    if (item_tokens && !first) b.token(kItemToken, {PlaceholderRef::Kind::CandidateItem, int(c), 0});
  }
  b.text(t.end);
  HybridPrompt p;
  p.parts = b.take();
  p.template_id = template_id;
  p.level = level;
  return p;
}

std::string HybridPrompt::render() const {
  std::string out;
  for (auto& p : parts) out += p.text;
  return out;
}

TokenizedPrompt tokenize_prompt(const HybridPrompt& p, const Tokenizer& tok, int item_token, int behavior_token) {
  // The whole rendered text is encoded at once: the placeholders are user-defined symbols of the
  // tokenizer, so they come out as single ids and the text around them encodes as sentencepiece
  // would encode the whole string.
  TokenizedPrompt out;
  if (tok.bos_id() >= 0) out.ids.push_back(tok.bos_id());
  std::vector<int> ids = tok.encode(p.render());
  std::vector<const PlaceholderRef*> refs;
  for (auto& part : p.parts)
    if (part.is_placeholder) refs.push_back(&part.ref);
  size_t next = 0;
  for (int id : ids) {
    if (id == item_token || id == behavior_token) {
      TMF_CHECK(next < refs.size(), "prompt tokenization produced more placeholders than the prompt has (", refs.size(), ")");
      const bool want_item = refs[next]->kind != PlaceholderRef::Kind::Behavior;
      TMF_CHECK(want_item == (id == item_token), "placeholder ", next, " of the prompt came out as the wrong token");
      out.placeholders.emplace_back(int(out.ids.size()), *refs[next]);
      ++next;
    }
    out.ids.push_back(id);
  }
  TMF_CHECK(next == refs.size(), "the tokenizer split a placeholder: ", refs.size(), " in the prompt, ", next,
            " found among the tokens (are ", kItemToken, " and ", kBehaviorToken, " registered?)");
  return out;
}


}  // namespace tmf
