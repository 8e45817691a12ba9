#include "fusion/attention.h"

#include <cmath>

#include "util/error.h"

namespace tmf {

FusionAttentionImpl::FusionAttentionImpl(int64_t query_dim, int64_t key_dim, int64_t value_dim, int64_t model_dim_,
                                         int64_t heads_)
    : model_dim(model_dim_), heads(heads_) {
  TMF_CHECK(heads > 0 && model_dim % heads == 0, "fusion width ", model_dim, " is not divisible by ", heads, " heads");
  head_dim = model_dim / heads;
  q_proj = register_module("q_proj", torch::nn::Linear(torch::nn::LinearOptions(query_dim, model_dim).bias(false)));
  k_proj = register_module("k_proj", torch::nn::Linear(torch::nn::LinearOptions(key_dim, model_dim).bias(false)));
  v_proj = register_module("v_proj", torch::nn::Linear(torch::nn::LinearOptions(value_dim, model_dim).bias(false)));
  o_proj = register_module("o_proj", torch::nn::Linear(torch::nn::LinearOptions(model_dim, model_dim).bias(false)));
}

void FusionAttentionImpl::set_identity() {
  torch::NoGradGuard g;
  for (auto* l : {&q_proj, &k_proj, &v_proj, &o_proj}) {
    auto& w = (*l)->weight;
    TMF_CHECK(w.size(0) == w.size(1), "identity projection needs a square weight, got ", w.sizes());
    w.copy_(torch::eye(w.size(0)));
  }
}

std::tuple<torch::Tensor, torch::Tensor> FusionAttentionImpl::forward(const torch::Tensor& q_in, const torch::Tensor& k_in,
                                                                      const torch::Tensor& v_in, const torch::Tensor& key_mask) {
  const int64_t B = q_in.size(0), Tq = q_in.size(1), Tk = k_in.size(1);
  auto q = q_proj(q_in).view({B, Tq, heads, head_dim}).transpose(1, 2);  // (B, H, Tq, D)
  auto k = k_proj(k_in).view({B, Tk, heads, head_dim}).transpose(1, 2);  // (B, H, Tk, D)
  auto v = v_proj(v_in).view({B, Tk, heads, head_dim}).transpose(1, 2);  // (B, H, Tk, D)
  auto scores = torch::matmul(q, k.transpose(-1, -2)) / std::sqrt(double(head_dim));  // (B, H, Tq, Tk)
  if (key_mask.defined()) {
    auto m = key_mask.to(torch::kBool).view({B, 1, 1, Tk});
    scores = scores.masked_fill(m.logical_not(), -1e9);
  }
  auto weights = torch::softmax(scores, -1);                                          // (B, H, Tq, Tk)
  auto out = torch::matmul(weights, v).transpose(1, 2).reshape({B, Tq, model_dim});   // (B, Tq, C)
  return {o_proj(out), weights};
}

}  // namespace tmf
