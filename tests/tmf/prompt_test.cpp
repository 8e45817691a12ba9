#include <gtest/gtest.h>

#include "llm/tokenizer.h"
#include "prompt/hybrid_prompt.h"
#include "util/error.h"

using namespace tmf;

namespace {
PromptInput example() {
  PromptInput in;
  in.history = {{"Water Bottle", "view", 1}, {"Athletic T-Shirt", "add to cart", 2}};
  in.target_behavior = "purchase";
  in.target_behavior_id = 3;
  in.candidates = {"Backpack", "Tent", "Athletic Pants"};
  return in;
}
}  // namespace

TEST(Prompt, GoldenStringsForTheThreeVariants) {
  EXPECT_EQ(build_prompt(example(), Task::Easy, 0).render(),
            "The user's behaviors, oldest first: view Water Bottle, add to cart Athletic T-Shirt. What is the next item "
            "to purchase? The candidate items are: Backpack, Tent, Athletic Pants. Choose only one item from the "
            "candidates. The answer is:");
  EXPECT_EQ(build_prompt(example(), Task::Medium, 0).render(),
            "The user's behaviors, oldest first: view [MT_b] Water Bottle, add to cart [MT_b] Athletic T-Shirt. What is "
            "the next item to purchase [MT_b]? The candidate items are: Backpack, Tent, Athletic Pants. Choose only one "
            "item from the candidates. The answer is:");
  EXPECT_EQ(build_prompt(example(), Task::Hard, 1).render(),
            "Here is a shopper's recent activity: view [MT_b] Water Bottle [MT_i], add to cart [MT_b] Athletic T-Shirt "
            "[MT_i]. Which item will the shopper purchase [MT_b] next? Candidates: Backpack [MT_i], Tent [MT_i], "
            "Athletic Pants [MT_i]. Answer with the name of one candidate:");
  EXPECT_NE(build_prompt(example(), Task::Easy, 2).render(), build_prompt(example(), Task::Easy, 1).render());
  EXPECT_THROW(build_prompt(example(), Task::Easy, kNumPromptTemplates), Error);
  PromptInput empty = example();
  empty.history.clear();
  EXPECT_THROW(build_prompt(empty, Task::Easy, 0), Error);
}

TEST(Prompt, PlaceholdersReferToTheirItemsAndBehaviors) {
  HybridPrompt p = build_prompt(example(), Task::Hard, 0);
  std::vector<PlaceholderRef> refs;
  for (auto& part : p.parts)
    if (part.is_placeholder) refs.push_back(part.ref);
  ASSERT_EQ(refs.size(), 2u + 2u + 1u + 3u);
  EXPECT_EQ(refs[0].kind, PlaceholderRef::Kind::Behavior);
  EXPECT_EQ(refs[0].behavior_id, 1);
  EXPECT_EQ(refs[1].kind, PlaceholderRef::Kind::HistoryItem);
  EXPECT_EQ(refs[3].index, 1);
  EXPECT_EQ(refs[4].behavior_id, 3);  // the target behavior
  EXPECT_EQ(refs[7].kind, PlaceholderRef::Kind::CandidateItem);
  EXPECT_EQ(refs[7].index, 2);
}

TEST(Prompt, TokenizedPlaceholdersNeverSplit) {
  Tokenizer tok = Tokenizer::load(std::string(TMF_SHARED_DIR) + "/fixtures/hf-tiny/llama/tokenizer.model");
  int item = tok.add_special_token(kItemToken), beh = tok.add_special_token(kBehaviorToken);
  HybridPrompt p = build_prompt(example(), Task::Hard, 2);
  TokenizedPrompt t = tokenize_prompt(p, tok, item, beh);
  EXPECT_EQ(t.ids[0], tok.bos_id());
  ASSERT_EQ(t.placeholders.size(), 8u);
  for (auto& [pos, ref] : t.placeholders)
    EXPECT_EQ(t.ids[size_t(pos)], ref.kind == PlaceholderRef::Kind::Behavior ? beh : item);
  std::vector<int> body(t.ids.begin() + 1, t.ids.end());
  EXPECT_EQ(tok.decode(body), p.render());
  // A tokenizer without the placeholders registered cannot tokenize a hybrid prompt.
  Tokenizer plain = Tokenizer::load(std::string(TMF_SHARED_DIR) + "/fixtures/hf-tiny/llama/tokenizer.model");
  EXPECT_THROW(tokenize_prompt(p, plain, 9999, 9998), Error);
}


TEST(Prompt, ItemTokenFirstAndHiddenHistoryNames) {
  PromptInput in = example();
  in.item_token_first = true;
  EXPECT_EQ(build_prompt(in, Task::Hard, 0).render(),
            "The user's behaviors, oldest first: view [MT_b] Water Bottle [MT_i], add to cart [MT_b] Athletic T-Shirt "
            "[MT_i]. What is the next item to purchase [MT_b]? The candidate items are: [MT_i] Backpack, [MT_i] Tent, "
            "[MT_i] Athletic Pants. Choose only one item from the candidates. The answer is:");
  // Easy and medium prompts have no item tokens: the option changes nothing there.
  EXPECT_EQ(build_prompt(in, Task::Easy, 0).render(), build_prompt(example(), Task::Easy, 0).render());
}
