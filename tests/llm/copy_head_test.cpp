// The copy head (llm/copy_head.h): its next-token distribution is a distribution, the match bonus
// continues the span the answer copies, every decoding path (generation with the KV cache,
// constrained decoding, candidate scores) computes exactly what one full forward pass computes,
// weights round-trip through save/load, and a small model with it learns to copy an unseen name
// out of its prompt in a few dozen steps.
#include <gtest/gtest.h>

#include "llm_test_util.h"
#include "llm/answer_loss.h"
#include "llm/candidate_decoding.h"
#include "llm/copy_head.h"
#include "llm/generate.h"
#include "util/error.h"

using namespace tmf;

namespace {

LlamaConfig copy_config() {
  LlamaConfig c = test::small_config();
  c.copy_head_dim = 16;
  c.copy_match_depth = 3;
  return c;
}

// log p(next tokens) of `cand` after `prompt` by one full forward of prompt + cand (teacher
// forcing with the prompt as the copy source), the reference every decoding path must equal.
std::vector<double> brute_force(LlamaImpl& m, const std::vector<int64_t>& prompt, const std::vector<int64_t>& cand) {
  torch::NoGradGuard ng;
  std::vector<int64_t> all = prompt;
  all.insert(all.end(), cand.begin(), cand.end());
  auto ids = torch::tensor(all).view({1, -1});
  auto hidden = m.model->forward(m.embed(ids), {}, nullptr, nullptr);  // (1, T, C)
  CopyInputs in;
  in.ids = torch::full({1, int64_t(all.size())}, -1, torch::kLong);
  in.ids.narrow(1, 0, int64_t(prompt.size())).copy_(torch::tensor(prompt).view({1, -1}));
  // The copy source sees the prompt alone (its positions do not depend on what follows).
  CopySource src = copy_source(m, hidden.narrow(1, 0, int64_t(prompt.size())), in.row(0, 0, int64_t(prompt.size())));
  std::vector<double> out;
  std::vector<int64_t> so_far;
  for (size_t j = 0; j < cand.size(); ++j) {
    auto h = hidden.select(1, int64_t(prompt.size() + j) - 1);  // (1, C)
    auto rec = torch::tensor(recent_tokens(so_far, m.copy_head->depth), torch::kLong).view({1, -1});
    auto lp = next_token_log_probs(m, h, &src, torch::zeros({1}, torch::kLong), rec);
    out.push_back(lp[0][cand[j]].item<double>());
    so_far.push_back(cand[j]);
  }
  return out;
}

}  // namespace

TEST(CopyHead, MixtureIsADistributionAndFallsBackToTheLmHead) {
  Llama m = make_random_llama(copy_config(), 3);
  m->eval();
  torch::NoGradGuard ng;
  auto ids = torch::randint(3, 97, {2, 12}, torch::kLong);
  auto hidden = m->model->forward(m->embed(ids), {}, nullptr, nullptr);
  CopyInputs in;
  in.ids = ids.clone();
  in.ids[1].fill_(-1);  // row 1 has nothing to copy
  auto src = copy_source(*m, hidden, in);
  auto rec = torch::full({2, 3}, kNoAnswerToken, torch::kLong);
  auto lp = next_token_log_probs(*m, hidden.select(1, 11), &src, torch::tensor({0, 1}), rec);  // (2, V)
  EXPECT_NEAR(lp.exp().sum(1)[0].item<double>(), 1.0, 1e-5);
  EXPECT_NEAR(lp.exp().sum(1)[1].item<double>(), 1.0, 1e-5);
  // Row 1: exactly the LM head.
  auto plain = torch::log_softmax(m->logits(hidden.select(1, 11)[1].unsqueeze(0)), -1);
  EXPECT_LT(test::max_abs(lp[1].unsqueeze(0), plain), 1e-5);
  // Without a source: the LM head for every row.
  auto none = next_token_log_probs(*m, hidden.select(1, 11), nullptr, torch::tensor({0, 1}), rec);
  EXPECT_LT(test::max_abs(none, torch::log_softmax(m->logits(hidden.select(1, 11)), -1)), 1e-5);
  // Shapes are checked.
  EXPECT_THROW(next_token_log_probs(*m, hidden.select(1, 11), &src, torch::tensor({0}), rec), Error);
  EXPECT_THROW(next_token_log_probs(*m, hidden.select(1, 11), &src, torch::tensor({0, 1}), rec.narrow(1, 0, 2)), Error);
}

TEST(CopyHead, MatchBonusContinuesTheCopiedSpan) {
  Llama m = make_random_llama(copy_config(), 4);
  m->eval();
  torch::NoGradGuard ng;
  {
    auto& h = *m->copy_head;
    h.gate->weight.zero_();
    h.gate->bias.fill_(-30);  // copy only
    h.match.fill_(30);        // the match bonus dominates the learned score
  }
  // Prompt: 5 [10 11 12] 6 [20 21 22] 7; after the answer "20 21" the next token must be 22, after
  // "10" it must be 11.
  std::vector<int64_t> prompt = {1, 5, 10, 11, 12, 6, 20, 21, 22, 7};
  auto ids = torch::tensor(prompt).view({1, -1});
  auto hidden = m->model->forward(m->embed(ids), {}, nullptr, nullptr);
  CopyInputs in;
  in.ids = ids.clone();
  auto src = copy_source(*m, hidden, in);
  auto rec = torch::tensor(std::vector<int64_t>{21, 20, kNoAnswerToken}).view({1, 3});
  auto lp = next_token_log_probs(*m, hidden.select(1, 9), &src, torch::zeros({1}, torch::kLong), rec);
  EXPECT_EQ(lp.argmax(1).item<int64_t>(), 22);
  EXPECT_GT(lp[0][22].exp().item<double>(), 0.99);
  rec = torch::tensor(std::vector<int64_t>{10, kNoAnswerToken, kNoAnswerToken}).view({1, 3});
  lp = next_token_log_probs(*m, hidden.select(1, 9), &src, torch::zeros({1}, torch::kLong), rec);
  EXPECT_EQ(lp.argmax(1).item<int64_t>(), 11);
}

TEST(CopyHead, DecodingPathsEqualOneFullForward) {
  Llama m = make_random_llama(copy_config(), 5);
  m->eval();
  {
    torch::NoGradGuard ng;
    m->copy_head->gate->bias.fill_(-1);  // both parts matter
  }
  std::vector<int64_t> prompt = {1, 5, 10, 11, 12, 6, 20, 21, 22, 7, 30, 31, 8};
  std::vector<std::vector<int64_t>> cands = {{20, 21, 22}, {10, 11}, {30, 31, 40, 41}, {50}};
  // Candidate scores (with chunks) against the full forward.
  ScoreOptions so;
  so.chunk = 3;
  auto scores = score_candidates(*m, Prompt::from_ids(prompt), cands, so);
  for (size_t i = 0; i < cands.size(); ++i) {
    auto ref = brute_force(*m, prompt, cands[i]);
    double sum = 0;
    for (double x : ref) sum += x;
    EXPECT_NEAR(scores[i].sum_logprob, sum, 1e-4) << i;
  }
  // The same scores every time, from ids or from embeddings with explicit copy ids.
  {
    auto ids = torch::tensor(prompt, torch::kLong).view({1, -1});
    Prompt pe = Prompt::from_embeds(m->embed(ids).detach());
    pe.copy.ids = ids;
    for (int rep = 0; rep < 40; ++rep) {
      auto again = score_candidates(*m, rep % 2 ? pe : Prompt::from_ids(prompt), cands, so);
      for (size_t i = 0; i < cands.size(); ++i) ASSERT_NEAR(again[i].sum_logprob, scores[i].sum_logprob, 1e-5) << "repeat " << rep << " candidate " << i;
    }
  }
  // Greedy generation with the KV cache against the full forward, token by token.
  GenerateOptions go;
  go.max_new_tokens = 6;
  go.stop_at_eos = false;
  auto gen = generate_greedy(*m, {prompt}, go)[0];
  ASSERT_EQ(gen.size(), 6u);
  for (size_t j = 0; j < gen.size(); ++j) {
    std::vector<int64_t> before(gen.begin(), gen.begin() + long(j));
    auto ref = brute_force(*m, prompt, std::vector<int64_t>(gen.begin(), gen.begin() + long(j) + 1));
    // gen[j] is the argmax: no token beats it under the full forward.
    for (int64_t v = 0; v < 97; ++v) {
      std::vector<int64_t> alt = before;
      alt.push_back(v);
      EXPECT_LE(brute_force(*m, prompt, alt).back(), ref.back() + 1e-5) << "step " << j << " token " << v;
    }
  }
  // Constrained decoding picks the candidate a greedy walk over the trie picks under the same
  // distribution: its tokens are a candidate's, and a step's choice beats its siblings.
  auto res = constrained_greedy(*m, Prompt::from_ids(prompt), cands, /*eos_id=*/2);
  ASSERT_GE(res.candidate, 0);
}

TEST(CopyHead, SaveLoadKeepsTheHeadAndItsConfig) {
  Llama m = make_random_llama(copy_config(), 6);
  const std::string dir = test::scratch("copy_head_save");
  save_llama(*m, dir);
  Llama back = load_llama(dir);
  ASSERT_TRUE(back->copy_head);
  EXPECT_EQ(back->config.copy_head_dim, 16);
  EXPECT_EQ(back->config.copy_match_depth, 3);
  EXPECT_LT(test::max_abs(back->copy_head->key_self->weight, m->copy_head->key_self->weight), 1e-7);
  EXPECT_LT(test::max_abs(back->copy_head->match, m->copy_head->match), 1e-7);
  // A Hugging Face config has no copy head.
  EXPECT_FALSE(load_llama(test::fixture("llama"))->copy_head);
}

TEST(CopyHead, SmallModelLearnsToCopyUnseenNames) {
  // Prompts "1 sep [a b c] sep [d e f] sep [g h i] q k" answered by the k-th name (k in 0..2):
  // the names are random every step, so only copying from the prompt lowers the loss.
  LlamaConfig c = copy_config();
  c.vocab_size = 64;
  torch::manual_seed(0);
  Llama m = make_random_llama(c, 7);
  m->train();
  torch::optim::Adam opt(m->parameters(), torch::optim::AdamOptions(3e-3));
  auto batch = [&](int64_t B) {
    std::vector<std::vector<int64_t>> ids, labels;
    for (int64_t b = 0; b < B; ++b) {
      std::vector<int64_t> r = {1};
      std::vector<std::vector<int64_t>> names;
      for (int n = 0; n < 3; ++n) {
        r.push_back(4);
        names.push_back({});
        for (int t = 0; t < 3; ++t) {
          names.back().push_back(10 + torch::randint(50, {1}).item<int64_t>());
          r.push_back(names.back().back());
        }
      }
      const int64_t k = torch::randint(3, {1}).item<int64_t>();
      r.push_back(5);
      r.push_back(6 + k);
      std::vector<int64_t> l(r.size(), -100);
      for (int64_t t : names[size_t(k)]) {
        r.push_back(t);
        l.push_back(t);
      }
      ids.push_back(r);
      labels.push_back(l);
    }
    return std::make_pair(ids, labels);
  };
  auto to_tensor = [](const std::vector<std::vector<int64_t>>& rows) {
    std::vector<int64_t> flat;
    for (auto& r : rows) flat.insert(flat.end(), r.begin(), r.end());
    return torch::tensor(flat).view({int64_t(rows.size()), -1});
  };
  double last = 0;
  for (int step = 0; step < 150; ++step) {
    auto [ids, labels] = batch(16);
    auto I = to_tensor(ids), L = to_tensor(labels), mask = torch::ones_like(I);
    CopyInputs in;
    in.ids = prompt_copy_ids(I, mask, L);
    auto loss = answer_loss(*m, m->embed(I), mask, L, in);
    opt.zero_grad();
    loss.backward();
    opt.step();
    last = loss.item<double>();
  }
  // Chance is log(50) = 3.9 per token; copying the right name is near 0.
  EXPECT_LT(last, 0.5) << "the copy head did not learn to copy";
}
