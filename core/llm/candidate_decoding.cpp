// Candidate-aware decoding: see candidate_decoding.h.
#include "llm/candidate_decoding.h"

#include <torch/torch.h>

#include <map>

#include "llm/generate.h"
#include "llm/copy_head.h"
#include "llm/llama.h"
#include "util/error.h"

namespace tmf {
namespace {

void check_candidates(const LlamaImpl& m, const std::vector<std::vector<int64_t>>& cands) {
  TMF_CHECK(!cands.empty(), "candidate decoding: the candidate list is empty");
  for (size_t i = 0; i < cands.size(); ++i) {
    TMF_CHECK(!cands[i].empty(), "candidate decoding: candidate ", i, " has no tokens");
    for (int64_t id : cands[i])
      TMF_CHECK(id >= 0 && id < m.config.vocab_size, "candidate decoding: candidate ", i, " holds token id ", id,
                " outside [0, ", m.config.vocab_size, ")");
  }
}

torch::Tensor zero_rows(const LlamaImpl& m, int64_t n) {
  return torch::zeros({n}, torch::TensorOptions().dtype(torch::kLong).device(m.device()));
}

int64_t match_depth(const LlamaImpl& m) { return m.copy_head ? std::max<int64_t>(m.copy_head->depth, 1) : 1; }

// The copy head's `recent` (1, M) after the answer tokens `so_far`.
torch::Tensor recent_after(const LlamaImpl& m, const std::vector<int64_t>& so_far) {
  return torch::tensor(recent_tokens(so_far, match_depth(m)), torch::kLong).view({1, -1});
}

int64_t resolve_eos(const LlamaImpl& m, int64_t eos) {
  if (eos >= 0) {
    TMF_CHECK(eos < m.config.vocab_size, "candidate decoding: eos id ", eos, " outside [0, ", m.config.vocab_size, ")");
    return eos;
  }
  return m.config.eos_token_ids.empty() ? -1 : m.config.eos_token_ids[0];
}

// Runs the prompt into `cache`; returns the last position's next-token log-probabilities (1, V)
// and fills `src` with the prompt's copy source (empty without a copy head).
torch::Tensor prefill(LlamaImpl& m, const Prompt& p, KvCache& cache, CopySource& src) {
  torch::Tensor embeds;
  CopyInputs copy = p.copy;
  if (p.embeds.defined()) {
    TMF_CHECK(p.embeds.dim() == 3 && p.embeds.size(0) == 1 && p.embeds.size(1) > 0, "candidate decoding: prompt embeds must be (1, T, C), got ",
              p.embeds.sizes());
    embeds = p.embeds;
  } else {
    TMF_CHECK(!p.ids.empty(), "candidate decoding: the prompt is empty");
    auto ids = torch::tensor(p.ids, torch::kLong).view({1, -1});
    embeds = m.embed(ids);
    if (!copy.defined()) copy.ids = ids;
  }
  auto hidden = m.model->forward(embeds.to(m.device(), m.dtype()), {}, &cache, nullptr);  // (1, T, C)
  src = copy_source(m, hidden, copy);
  return next_token_log_probs(m, hidden.select(1, hidden.size(1) - 1), &src, zero_rows(m, 1), recent_after(m, {}));
}

int64_t prompt_length(const Prompt& p) { return p.embeds.defined() ? p.embeds.size(1) : static_cast<int64_t>(p.ids.size()); }

struct TrieNode {
  std::map<int64_t, int64_t> children;  // token -> node
  int64_t candidate = -1;               // a complete name ends here
};

}  // namespace

ConstrainedResult constrained_greedy(LlamaImpl& m, const Prompt& prompt, const std::vector<std::vector<int64_t>>& cands,
                                     int64_t eos_id) {
  check_candidates(m, cands);
  const int64_t eos = resolve_eos(m, eos_id);
  std::vector<TrieNode> trie(1);
  size_t depth = 0;
  for (size_t i = 0; i < cands.size(); ++i) {
    int64_t node = 0;
    for (int64_t tok : cands[i]) {
      auto it = trie[node].children.find(tok);
      if (it == trie[node].children.end()) {
        trie.push_back({});
        it = trie[node].children.emplace(tok, static_cast<int64_t>(trie.size()) - 1).first;
      }
      node = it->second;
    }
    if (trie[node].candidate < 0) trie[node].candidate = static_cast<int64_t>(i);
    depth = std::max(depth, cands[i].size());
  }

  torch::NoGradGuard ng;
  EvalModeGuard eval(m);
  KvCache cache = m.make_cache(prompt_length(prompt) + static_cast<int64_t>(depth) + 1);
  CopySource src;
  auto last = prefill(m, prompt, cache, src).to(torch::kCPU);  // (1, V) log-probs
  ConstrainedResult res;
  int64_t node = 0;
  while (true) {
    const auto& n = trie[node];
    if (n.children.empty()) {  // a leaf: the name is complete
      res.candidate = n.candidate;
      break;
    }
    std::vector<int64_t> allowed;
    for (const auto& kv : n.children) allowed.push_back(kv.first);
    const bool may_stop = n.candidate >= 0 && eos >= 0 && !n.children.count(eos);
    if (may_stop) allowed.push_back(eos);
    auto sub = last.index_select(1, torch::tensor(allowed, torch::kLong)).view({-1});
    const int64_t tok = allowed[sub.argmax().item<int64_t>()];
    res.tokens.push_back(tok);
    if (may_stop && tok == eos) {
      res.candidate = n.candidate;
      break;
    }
    node = n.children.at(tok);
    if (trie[node].children.empty()) {  // reached a leaf: no need to run the model again
      res.candidate = trie[node].candidate;
      break;
    }
    auto ids = torch::tensor(std::vector<int64_t>{tok}, torch::kLong).view({1, 1});
    auto h = m.model->forward(m.embed(ids), {}, &cache, nullptr).select(1, 0);  // (1, C)
    last = next_token_log_probs(m, h, &src, zero_rows(m, 1), recent_after(m, res.tokens)).to(torch::kCPU);
  }
  TMF_CHECK(res.candidate >= 0, "constrained decoding ended without a candidate (internal error)");
  return res;
}

std::vector<CandidateScore> score_candidates(LlamaImpl& m, const Prompt& prompt,
                                             const std::vector<std::vector<int64_t>>& cands_in,
                                             const ScoreOptions& opts) {
  check_candidates(m, cands_in);
  TMF_CHECK(opts.chunk > 0, "score_candidates: chunk must be > 0, got ", opts.chunk);
  std::vector<std::vector<int64_t>> cands = cands_in;
  if (opts.append_eos) {
    const int64_t eos = resolve_eos(m, opts.eos_id);
    TMF_CHECK(eos >= 0, "score_candidates: append_eos needs an eos id (the config has none)");
    for (auto& c : cands) c.push_back(eos);
  }
  size_t max_len = 0;
  for (const auto& c : cands) max_len = std::max(max_len, c.size());

  torch::NoGradGuard ng;
  EvalModeGuard eval(m);
  const int64_t T = prompt_length(prompt);
  KvCache base = m.make_cache(T + static_cast<int64_t>(max_len));
  CopySource src;
  auto first = prefill(m, prompt, base, src).to(torch::kCPU);  // (1, V) log-probs
  auto first_acc = first.accessor<float, 2>();

  std::vector<CandidateScore> out(cands.size());
  for (size_t start = 0; start < cands.size(); start += static_cast<size_t>(opts.chunk)) {
    const size_t end = std::min(cands.size(), start + static_cast<size_t>(opts.chunk));
    const int64_t n = static_cast<int64_t>(end - start);
    size_t lmax = 0;
    for (size_t i = start; i < end; ++i) lmax = std::max(lmax, cands[i].size());
    torch::Tensor lp;  // (n, lmax-1, V) log-probs of the tokens after the first
    if (lmax > 1) {
      // Candidate tokens but the last, right-padded: padding sits after every real token, so the
      // causal mask already keeps it out of what we read.
      auto ids = torch::zeros({n, static_cast<int64_t>(lmax) - 1}, torch::kLong);
      for (int64_t i = 0; i < n; ++i) {
        const auto& c = cands[start + i];
        for (size_t j = 0; j + 1 < c.size(); ++j) ids[i][j] = c[j];
      }
      KvCache cache = base;  // shares buffers with `base` until repeat_batch copies them
      cache.repeat_batch(n);
      const int64_t L = static_cast<int64_t>(lmax) - 1;
      auto h = m.model->forward(m.embed(ids), {}, &cache, nullptr).reshape({n * L, -1});  // (n*L, C)
      // The state at continuation position l has read tokens 0..l of its candidate.
      std::vector<int64_t> recent;
      for (int64_t i = 0; i < n; ++i) {
        const auto& c = cands[start + size_t(i)];
        std::vector<int64_t> so_far;
        for (int64_t l = 0; l < L; ++l) {
          if (size_t(l) < c.size()) so_far.push_back(c[size_t(l)]);
          auto r = recent_tokens(so_far, match_depth(m));
          recent.insert(recent.end(), r.begin(), r.end());
        }
      }
      auto rec = torch::tensor(recent, torch::kLong).view({n * L, match_depth(m)});
      lp = next_token_log_probs(m, h, &src, zero_rows(m, n * L), rec).view({n, L, -1});  // (n, L, V)
      // Gather the needed entries on the device before copying back.
      auto targets = torch::zeros({n, static_cast<int64_t>(lmax) - 1}, torch::kLong);
      for (int64_t i = 0; i < n; ++i) {
        const auto& c = cands[start + i];
        for (size_t j = 1; j < c.size(); ++j) targets[i][j - 1] = c[j];
      }
      lp = lp.gather(2, targets.to(lp.device()).unsqueeze(-1)).squeeze(-1).to(torch::kCPU);  // (n, lmax-1)
    }
    for (int64_t i = 0; i < n; ++i) {
      const auto& c = cands[start + i];
      double sum = first_acc[0][c[0]];
      if (c.size() > 1) {
        auto row = lp[i];
        auto acc = row.accessor<float, 1>();
        for (size_t j = 1; j < c.size(); ++j) sum += acc[j - 1];
      }
      auto& s = out[start + i];
      s.sum_logprob = sum;
      s.num_tokens = static_cast<int64_t>(c.size());
      s.mean_logprob = sum / static_cast<double>(c.size());
    }
  }
  return out;
}

}  // namespace tmf
