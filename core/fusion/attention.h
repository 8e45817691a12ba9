// Scaled dot-product attention with learnable projections and H heads that RETURNS its weights
// (the app draws them as heatmaps), the building block of AMSA and CMA (paper Eq. 6-8).
//   q_in (B, Tq, Cq), k_in (B, Tk, Ck), v_in (B, Tk, Cv), key_mask (B, Tk) bool (true = real)
//   -> out (B, Tq, C), weights (B, H, Tq, Tk)
// With identity projections and one head this is exactly softmax(q k^T / sqrt(C)) v.
#pragma once
#include <torch/nn/module.h>
#include <torch/nn/modules/linear.h>

#include <tuple>

namespace tmf {

struct FusionAttentionImpl : torch::nn::Module {
  FusionAttentionImpl(int64_t query_dim, int64_t key_dim, int64_t value_dim, int64_t model_dim, int64_t heads);
  std::tuple<torch::Tensor, torch::Tensor> forward(const torch::Tensor& q_in, const torch::Tensor& k_in,
                                                   const torch::Tensor& v_in, const torch::Tensor& key_mask);
  // Sets every projection to the identity (needs query/key/value/model dims equal): the plain
  // equations of the paper, used by tests.
  void set_identity();

  int64_t model_dim, heads, head_dim;
  torch::nn::Linear q_proj{nullptr};  // (Cq -> C)
  torch::nn::Linear k_proj{nullptr};  // (Ck -> C)
  torch::nn::Linear v_proj{nullptr};  // (Cv -> C)
  torch::nn::Linear o_proj{nullptr};  // (C -> C)
};
TORCH_MODULE(FusionAttention);

}  // namespace tmf
