// Greedy generation (transformers' greedy_a exactly), batching with left padding, banned ids,
// constrained decoding over a candidate trie, and batched candidate likelihoods vs brute force.
#include <gtest/gtest.h>

#include "llm_test_util.h"
#include "llm/candidate_decoding.h"
#include "llm/generate.h"
#include "util/error.h"

using namespace tmf;
using test::gold;

namespace {
Llama& model() {
  static Llama m = load_llama(test::fixture("llama"));
  return m;
}

// log p(cand | prompt) by one full forward of prompt + cand.
double brute_force_logprob(const std::vector<int64_t>& prompt, const std::vector<int64_t>& cand) {
  torch::NoGradGuard ng;
  std::vector<int64_t> all = prompt;
  all.insert(all.end(), cand.begin(), cand.end());
  auto lp = torch::log_softmax(model()->forward(torch::tensor(all).view({1, -1}))[0].to(torch::kFloat64), -1);
  double s = 0;
  for (size_t j = 0; j < cand.size(); ++j) s += lp[prompt.size() - 1 + j][cand[j]].item<double>();
  return s;
}
}  // namespace

TEST(Generate, GreedyMatchesTransformers) {
  auto prompt = test::row(gold("llama.ids_a"), 0);
  auto expect = test::row(gold("llama.greedy_a"), 0);
  GenerateOptions o;
  o.max_new_tokens = 12;
  o.stop_at_eos = false;
  auto out = generate_greedy(*model(), {prompt}, o);
  ASSERT_EQ(out.size(), 1u);
  std::vector<int64_t> full = prompt;
  full.insert(full.end(), out[0].begin(), out[0].end());
  EXPECT_EQ(full, expect);
}

TEST(Generate, BatchedLeftPaddedEqualsSingle) {
  auto a = test::row(gold("llama.ids_a"), 0);
  auto b = test::row(gold("llama.ids_b"), 1);
  b.resize(15);
  GenerateOptions o;
  o.max_new_tokens = 10;
  o.stop_at_eos = false;
  auto batched = generate_greedy(*model(), {a, b}, o);
  EXPECT_EQ(batched[0], generate_greedy(*model(), {a}, o)[0]);
  EXPECT_EQ(batched[1], generate_greedy(*model(), {b}, o)[0]);
}

TEST(Generate, StopsAndBans) {
  auto a = test::row(gold("llama.ids_a"), 0);
  GenerateOptions o;
  o.max_new_tokens = 12;
  o.stop_at_eos = false;
  auto free_run = generate_greedy(*model(), {a}, o)[0];
  // Stop at the 4th token: treat it as a stop id.
  o.stop_at_eos = true;
  o.stop_ids = {free_run[3]};
  auto stopped = generate_greedy(*model(), {a}, o)[0];
  auto first = std::find(free_run.begin(), free_run.end(), free_run[3]);
  EXPECT_EQ(stopped, std::vector<int64_t>(free_run.begin(), first + 1));
  // Ban every token of the free run: none of them may appear.
  GenerateOptions b;
  b.max_new_tokens = 12;
  b.stop_at_eos = false;
  b.banned_ids = free_run;
  auto banned = generate_greedy(*model(), {a}, b)[0];
  EXPECT_EQ(banned.size(), 12u);
  for (int64_t t : banned) EXPECT_EQ(std::count(free_run.begin(), free_run.end(), t), 0) << t;
  b.banned_ids = {400};
  EXPECT_THROW(generate_greedy(*model(), {a}, b), Error);
  EXPECT_THROW(generate_greedy(*model(), {{}}, b), Error);
}

TEST(Generate, EmbedsPromptEqualsIds) {
  auto a = test::row(gold("llama.ids_a"), 0);
  GenerateOptions o;
  o.max_new_tokens = 8;
  o.stop_at_eos = false;
  torch::NoGradGuard ng;
  auto e = model()->embed(torch::tensor(a).view({1, -1}));
  EXPECT_EQ(generate_greedy_embeds(*model(), e, {}, o)[0], generate_greedy(*model(), {a}, o)[0]);
}

TEST(CandidateDecoding, ConstrainedAlwaysReturnsACandidate) {
  auto prompt = test::row(gold("llama.ids_a"), 0);
  std::vector<std::vector<int64_t>> cands = {{300, 301, 302}, {300, 301}, {17, 5, 9, 11}, {250}, {300, 44}};
  torch::manual_seed(0);
  for (int trial = 0; trial < 20; ++trial) {
    std::vector<int64_t> p = prompt;
    if (trial > 0) {
      auto r = torch::randint(3, 384, {5 + trial}, torch::kLong);
      p.assign(r.data_ptr<int64_t>(), r.data_ptr<int64_t>() + r.numel());
    }
    auto res = constrained_greedy(*model(), Prompt::from_ids(p), cands);
    ASSERT_GE(res.candidate, 0);
    ASSERT_LT(res.candidate, static_cast<int64_t>(cands.size()));
    const auto& c = cands[res.candidate];
    // The generated tokens spell the candidate, possibly followed by EOS.
    std::vector<int64_t> t = res.tokens;
    if (!t.empty() && t.back() == 2 && t.size() == c.size() + 1) t.pop_back();
    EXPECT_EQ(t, c);
  }
}

TEST(CandidateDecoding, ConstrainedPicksTheGreedyPath) {
  // With two single-token candidates the choice is the one with the higher logit.
  torch::NoGradGuard ng;
  auto prompt = test::row(gold("llama.ids_a"), 0);
  auto last = model()->forward(torch::tensor(prompt).view({1, -1}))[0][-1];
  int64_t x = 10, y = 20;
  int64_t expect = last[x].item<float>() > last[y].item<float>() ? 0 : 1;
  EXPECT_EQ(constrained_greedy(*model(), Prompt::from_ids(prompt), {{x}, {y}}).candidate, expect);
  // A prefix name: EOS competes with the continuation.
  auto res = constrained_greedy(*model(), Prompt::from_ids(prompt), {{x}, {x, y}}, /*eos_id=*/2);
  std::vector<int64_t> px = prompt;
  px.push_back(x);
  auto after = model()->forward(torch::tensor(px).view({1, -1}))[0][-1];
  EXPECT_EQ(res.candidate, after[2].item<float>() > after[y].item<float>() ? 0 : 1);
  EXPECT_THROW(constrained_greedy(*model(), Prompt::from_ids(prompt), {}), Error);
  EXPECT_THROW(constrained_greedy(*model(), Prompt::from_ids(prompt), {{1}, {}}), Error);
}

TEST(CandidateDecoding, ScoresEqualBruteForce) {
  auto prompt = test::row(gold("llama.ids_a"), 0);
  std::vector<std::vector<int64_t>> cands = {{300, 301, 302}, {300, 301}, {17, 5, 9, 11, 12, 13}, {250}, {300, 44}};
  ScoreOptions o;
  o.chunk = 2;  // several chunks, one of them with a single candidate
  auto s = score_candidates(*model(), Prompt::from_ids(prompt), cands, o);
  ASSERT_EQ(s.size(), cands.size());
  for (size_t i = 0; i < cands.size(); ++i) {
    double ref = brute_force_logprob(prompt, cands[i]);
    EXPECT_NEAR(s[i].sum_logprob, ref, 1e-4) << i;
    EXPECT_NEAR(s[i].mean_logprob, ref / cands[i].size(), 1e-4) << i;
    EXPECT_EQ(s[i].num_tokens, static_cast<int64_t>(cands[i].size()));
  }
  // From inputs_embeds: the same numbers.
  torch::NoGradGuard ng;
  auto e = model()->embed(torch::tensor(prompt).view({1, -1}));
  auto se = score_candidates(*model(), Prompt::from_embeds(e), cands);
  for (size_t i = 0; i < cands.size(); ++i) EXPECT_NEAR(se[i].sum_logprob, s[i].sum_logprob, 1e-4);
  // append_eos adds log p(EOS | name).
  ScoreOptions oe;
  oe.append_eos = true;
  auto s_eos = score_candidates(*model(), Prompt::from_ids(prompt), {cands[1]}, oe);
  auto c_eos = cands[1];
  c_eos.push_back(2);
  EXPECT_NEAR(s_eos[0].sum_logprob, brute_force_logprob(prompt, c_eos), 1e-4);
}
