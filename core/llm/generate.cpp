// Greedy decoding: see generate.h.
#include "llm/generate.h"

#include <torch/torch.h>

#include <algorithm>
#include <set>

#include "llm/copy_head.h"
#include "llm/llama.h"
#include "util/error.h"

namespace tmf {

EvalModeGuard::EvalModeGuard(LlamaImpl& m) : m_(m), was_training_(m.is_training()) { m_.eval(); }
EvalModeGuard::~EvalModeGuard() {
  if (was_training_) m_.train();
}

PaddedBatch left_pad(const std::vector<std::vector<int64_t>>& rows, int64_t pad_id) {
  TMF_CHECK(!rows.empty(), "left_pad: no rows");
  size_t t = 0;
  for (const auto& r : rows) t = std::max(t, r.size());
  TMF_CHECK(t > 0, "left_pad: every row is empty");
  const int64_t B = static_cast<int64_t>(rows.size()), T = static_cast<int64_t>(t);
  auto ids = torch::full({B, T}, pad_id, torch::kLong);
  auto mask = torch::zeros({B, T}, torch::kLong);
  for (int64_t b = 0; b < B; ++b) {
    const auto& r = rows[b];
    TMF_CHECK(!r.empty(), "left_pad: row ", b, " is empty (a prompt needs at least one token)");
    const int64_t off = T - static_cast<int64_t>(r.size());
    ids[b].narrow(0, off, static_cast<int64_t>(r.size()))
        .copy_(torch::tensor(r, torch::kLong));
    mask[b].narrow(0, off, static_cast<int64_t>(r.size())).fill_(1);
  }
  return {ids, mask};
}

namespace {

// The copy head's `recent` of each row: its last answer tokens, the most recent first (B, M).
torch::Tensor recent_of(const std::vector<std::vector<int64_t>>& out, int64_t M) {
  std::vector<int64_t> flat;
  for (const auto& row : out) {
    auto r = recent_tokens(row, std::max<int64_t>(M, 1));
    flat.insert(flat.end(), r.begin(), r.end());
  }
  return torch::tensor(flat, torch::kLong).view({int64_t(out.size()), std::max<int64_t>(M, 1)});
}

// last: log-probabilities (B, V) of the prompt's next token; src: the copy source (or empty).
std::vector<std::vector<int64_t>> decode_loop(LlamaImpl& m, torch::Tensor last /*(B, V)*/, torch::Tensor mask /*(B, S)*/,
                                              KvCache& cache, const CopySource& src, const GenerateOptions& opts) {
  const int64_t B = last.size(0), V = m.config.vocab_size;
  std::set<int64_t> stops;
  if (opts.stop_at_eos) {
    const auto& s = opts.stop_ids.empty() ? m.config.eos_token_ids : opts.stop_ids;
    stops.insert(s.begin(), s.end());
  }
  std::set<int64_t> banned(opts.banned_ids.begin(), opts.banned_ids.end());
  for (int64_t id : banned) TMF_CHECK(id >= 0 && id < V, "generate: banned id ", id, " outside [0, ", V, ")");
  TMF_CHECK(static_cast<int64_t>(banned.size()) < V, "generate: every one of the ", V, " token ids is banned");
  TMF_CHECK(opts.pad_id >= 0 && opts.pad_id < V, "generate: pad id ", opts.pad_id, " outside [0, ", V, ")");
  torch::Tensor ban;
  if (!banned.empty())
    ban = torch::tensor(std::vector<int64_t>(banned.begin(), banned.end()), torch::kLong).to(last.device());
  auto rows = torch::arange(B, torch::TensorOptions().dtype(torch::kLong).device(m.device()));  // (B)
  const int64_t M = m.copy_head ? m.copy_head->depth : 0;

  std::vector<std::vector<int64_t>> out(B);
  std::vector<bool> done(B, false);
  for (int64_t step = 0; step < opts.max_new_tokens; ++step) {
    auto scores = last.to(torch::kFloat32);
    if (ban.defined()) scores = scores.index_fill(1, ban, -std::numeric_limits<float>::infinity());
    auto next = scores.argmax(-1).to(torch::kCPU).contiguous();  // (B)
    auto* p = next.data_ptr<int64_t>();
    bool all_done = true;
    for (int64_t b = 0; b < B; ++b) {
      if (done[b]) {
        p[b] = opts.pad_id;
        continue;
      }
      out[b].push_back(p[b]);
      if (stops.count(p[b])) done[b] = true;
      all_done = all_done && done[b];
    }
    if (opts.progress) opts.progress->report("generate", static_cast<double>(step + 1), static_cast<double>(opts.max_new_tokens));
    if (all_done || step + 1 == opts.max_new_tokens) break;
    mask = torch::cat({mask, torch::ones({B, 1}, mask.options())}, 1);
    auto h = m.model->forward(m.embed(next.view({B, 1}).to(m.device())), mask, &cache, nullptr);  // (B, 1, C)
    last = next_token_log_probs(m, h.select(1, 0), &src, rows, recent_of(out, M));               // (B, V)
  }
  return out;
}

}  // namespace

std::vector<std::vector<int64_t>> generate_greedy(LlamaImpl& m, const std::vector<std::vector<int64_t>>& prompts,
                                                  const GenerateOptions& opts) {
  TMF_CHECK(opts.max_new_tokens >= 0, "generate: max_new_tokens must be >= 0, got ", opts.max_new_tokens);
  auto batch = left_pad(prompts, opts.pad_id);
  GenerateOptions o = opts;
  if (!o.copy.defined() && m.copy_head) o.copy.ids = prompt_copy_ids(batch.ids, batch.mask, {});
  return generate_greedy_embeds(m, m.embed(batch.ids), batch.mask, o);
}

std::vector<std::vector<int64_t>> generate_greedy_embeds(LlamaImpl& m, const torch::Tensor& embeds,
                                                         const torch::Tensor& mask_in, const GenerateOptions& opts) {
  TMF_CHECK(opts.max_new_tokens >= 0, "generate: max_new_tokens must be >= 0, got ", opts.max_new_tokens);
  TMF_CHECK(embeds.dim() == 3, "generate: embeds must be (B, T, C), got ", embeds.sizes());
  const int64_t B = embeds.size(0), T = embeds.size(1);
  if (opts.max_new_tokens == 0) return std::vector<std::vector<int64_t>>(B);
  torch::NoGradGuard ng;
  EvalModeGuard eval(m);
  auto mask = mask_in.defined() ? mask_in.to(m.device(), torch::kLong)
                                : torch::ones({B, T}, torch::TensorOptions().dtype(torch::kLong).device(m.device()));
  KvCache cache = m.make_cache(T + opts.max_new_tokens);
  auto hidden = m.model->forward(embeds.to(m.device(), m.dtype()), mask, &cache, nullptr);  // (B, T, C)
  const CopySource src = copy_source(m, hidden, opts.copy);
  auto rows = torch::arange(B, torch::TensorOptions().dtype(torch::kLong).device(m.device()));
  const int64_t M = m.copy_head ? m.copy_head->depth : 0;
  auto last = next_token_log_probs(m, hidden.select(1, T - 1), &src, rows,
                                   recent_of(std::vector<std::vector<int64_t>>(size_t(B)), M));  // (B, V)
  return decode_loop(m, last, mask, cache, src, opts);
}

}  // namespace tmf
