// The copy head: see copy_head.h.
#include "llm/copy_head.h"

#include <torch/torch.h>

#include <cmath>

#include "llm/llama.h"
#include "util/error.h"

namespace tmf {

CopyHeadImpl::CopyHeadImpl(int64_t hidden, int64_t d, int64_t m, torch::TensorOptions opts) : dim(d), depth(m) {
  TMF_CHECK(hidden > 0 && d > 0 && m >= 0, "copy head: hidden ", hidden, " and dim ", d, " must be > 0, match depth ", m,
            " >= 0");
  query = register_module("query", torch::nn::Linear(torch::nn::LinearOptions(hidden, d).bias(false)));
  key_prev = register_module("key_prev", torch::nn::Linear(torch::nn::LinearOptions(hidden, d).bias(false)));
  key_self = register_module("key_self", torch::nn::Linear(torch::nn::LinearOptions(hidden, d).bias(false)));
  gate = register_module("gate", torch::nn::Linear(torch::nn::LinearOptions(2 * hidden, 1).bias(true)));
  match = register_parameter("match", torch::full({std::max<int64_t>(m, 1)}, 2.0));
  to(opts.device(), opts.dtype().toScalarType());
}

void CopyHeadImpl::init_weights(double std) {
  torch::NoGradGuard ng;
  for (auto* l : {&query, &key_prev, &key_self, &gate}) (*l)->weight.normal_(0, std);
  gate->bias.zero_();  // g = 1/2: generating and copying start level
  match.fill_(2.0);
}

CopyInputs CopyInputs::row(int64_t b, int64_t start, int64_t len) const {
  CopyInputs r;
  if (!ids.defined()) return r;
  r.ids = ids.select(0, b).narrow(0, start, len).unsqueeze(0);
  return r;
}

CopySource copy_source(LlamaImpl& m, const torch::Tensor& hidden, const CopyInputs& in) {
  CopySource s;
  if (!m.copy_head || !in.defined()) return s;
  const torch::Tensor& copy_ids = in.ids;
  TMF_CHECK(hidden.dim() == 3, "copy head: prompt hidden states must be (B, S, C), got ", hidden.sizes());
  TMF_CHECK(copy_ids.dim() == 2 && copy_ids.size(0) == hidden.size(0) && copy_ids.size(1) == hidden.size(1),
            "copy head: copy ids must be (B, S) like the hidden states ", hidden.sizes(), ", got ", copy_ids.sizes());
  const int64_t B = hidden.size(0), S = hidden.size(1), M = m.copy_head->depth;
  auto& head = *m.copy_head;
  auto h = hidden.to(head.query->weight.scalar_type());                          // (B, S, C)
  auto self = head.key_self(h);                                                   // (B, S, D)
  auto prev = head.key_prev(h.slice(1, 0, S - 1));                                // (B, S-1, D)
  prev = torch::cat(std::vector<torch::Tensor>{torch::zeros({B, 1, head.dim}, prev.options()), prev}, 1);  // (B, S, D)
  auto keys = self + prev;
  s.keys = keys.to(torch::kFloat32);
  s.values = h.to(torch::kFloat32);
  auto ids = copy_ids.to(hidden.device(), torch::kLong);                          // (B, S)
  auto valid = ids >= 0;
  valid.select(1, 0).fill_(false);  // nothing precedes position 0
  s.valid = valid;
  s.ids = ids.clamp_min(0);
  // before[:, j, l] = x_{j-1-l}: the prompt shifted right by 1 + l, -1 where it runs off the start.
  std::vector<torch::Tensor> shifted;
  auto marked = torch::where(ids >= 0, ids, torch::full_like(ids, -1));
  for (int64_t l = 0; l < std::max<int64_t>(M, 1); ++l) {
    const int64_t sh = std::min<int64_t>(l + 1, S);
    shifted.push_back(torch::cat(std::vector<torch::Tensor>{torch::full({B, sh}, -1, ids.options()),
                                                            marked.slice(1, 0, S - sh)},
                                 1));
  }
  s.before = torch::stack(shifted, 2);  // (B, S, M)
  return s;
}

torch::Tensor next_token_log_probs(LlamaImpl& m, const torch::Tensor& hidden, const CopySource* src,
                                   const torch::Tensor& rows, const torch::Tensor& recent) {
  TMF_CHECK(hidden.dim() == 2, "next-token log-probs: hidden states must be (n, C), got ", hidden.sizes());
  auto lp = torch::log_softmax(m.logits(hidden).to(torch::kFloat32), -1);  // (n, V)
  if (!m.copy_head || !src || src->empty()) return lp;
  auto& head = *m.copy_head;
  const int64_t n = hidden.size(0), V = lp.size(1), M = head.depth;
  TMF_CHECK(rows.defined() && rows.dim() == 1 && rows.size(0) == n, "next-token log-probs: ", n,
            " states need as many source rows, got ", rows.defined() ? rows.sizes() : torch::IntArrayRef{});
  const auto dev = hidden.device();
  auto r = rows.to(dev, torch::kLong);
  auto h = hidden.to(head.query->weight.scalar_type());
  auto q = head.query(h).to(torch::kFloat32);                                                 // (n, D)
  auto keys = src->keys.index_select(0, r);                                                   // (n, S, D)
  auto valid = src->valid.index_select(0, r);                                                 // (n, S)
  auto scores = torch::bmm(keys, q.unsqueeze(2)).squeeze(2) / std::sqrt(double(head.dim));    // (n, S)
  if (M > 0) {
    TMF_CHECK(recent.defined() && recent.dim() == 2 && recent.size(0) == n && recent.size(1) == M,
              "next-token log-probs: recent answer tokens must be (", n, ", ", M, "), got ",
              recent.defined() ? recent.sizes() : torch::IntArrayRef{});
    auto eq = src->before.index_select(0, r) == recent.to(dev, torch::kLong).unsqueeze(1);  // (n, S, M)
    auto runs = eq.to(torch::kFloat32).cumprod(2);            // (n, S, M): 1 while the last l+1 tokens match
    scores = scores + (runs * head.match.to(torch::kFloat32)).sum(2);
  }
  // A large finite fill instead of -inf: a row with nothing to copy gets a = 0, not NaN.
  auto a = torch::softmax(scores.masked_fill(valid.logical_not(), -1e9), -1) * valid.to(torch::kFloat32);  // (n, S)
  auto ctx = torch::bmm(a.unsqueeze(1), src->values.index_select(0, r)).squeeze(1);           // (n, C)
  auto copy = torch::zeros({n, V}, a.options()).scatter_add(1, src->ids.index_select(0, r), a);  // (n, V)
  auto gin = torch::cat(std::vector<torch::Tensor>{h, ctx.to(h.scalar_type())}, 1);           // (n, 2C)
  auto g = torch::sigmoid(head.gate(gin).to(torch::kFloat32));                                // (n, 1)
  // Nothing to copy (an empty source row): the LM head alone, so p stays a distribution.
  g = torch::where(valid.any(1, /*keepdim=*/true), g, torch::ones_like(g));
  auto p = g * lp.exp() + (1 - g) * copy;                                                     // (n, V)
  return p.clamp_min(1e-30).log();
}

std::vector<int64_t> recent_tokens(const std::vector<int64_t>& so_far, int64_t depth) {
  std::vector<int64_t> out(size_t(std::max<int64_t>(depth, 0)), kNoAnswerToken);
  for (size_t l = 0; l < out.size() && l < so_far.size(); ++l) out[l] = so_far[so_far.size() - 1 - l];
  return out;
}

torch::Tensor recent_from_labels(const torch::Tensor& labels, int64_t depth) {
  TMF_CHECK(labels.dim() == 2, "recent_from_labels: labels must be (B, T), got ", labels.sizes());
  const int64_t B = labels.size(0), T = labels.size(1);
  auto marked = torch::where(labels != -100, labels, torch::full_like(labels, kNoAnswerToken));  // (B, T)
  std::vector<torch::Tensor> cols;
  for (int64_t l = 0; l < std::max<int64_t>(depth, 1); ++l) {
    const int64_t sh = std::min<int64_t>(l, T);
    cols.push_back(torch::cat(std::vector<torch::Tensor>{torch::full({B, sh}, kNoAnswerToken, labels.options()),
                                                         marked.slice(1, 0, T - sh)},
                              1));
  }
  return torch::stack(cols, 2);  // (B, T, M)
}

torch::Tensor prompt_copy_ids(const torch::Tensor& ids, const torch::Tensor& mask, const torch::Tensor& labels) {
  TMF_CHECK(ids.dim() == 2 && mask.sizes() == ids.sizes(), "prompt copy ids: ids ", ids.sizes(), " and mask ",
            mask.sizes(), " must both be (B, T)");
  auto keep = mask.to(ids.device()) > 0;
  if (labels.defined()) keep = keep.logical_and(labels.to(ids.device()) == -100);
  return torch::where(keep, ids.to(torch::kLong), torch::full_like(ids, -1, torch::kLong));
}

}  // namespace tmf
