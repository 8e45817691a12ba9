// Adaptors of TMF (paper §4.2): two-layer MLPs that map a fused item vector or a graph behavior
// embedding into the LLM's token embedding space, replacing the [MT_i] / [MT_b] placeholders.
//   x (..., in_dim) -> fc1 -> GELU -> fc2 -> (..., hidden_size)
#pragma once
#include <torch/nn/module.h>
#include <torch/nn/modules/linear.h>

namespace tmf {

struct AdaptorImpl : torch::nn::Module {
  AdaptorImpl(int64_t in_dim, int64_t hidden_size);
  torch::Tensor forward(const torch::Tensor& x);
  torch::nn::Linear fc1{nullptr};  // (in_dim -> hidden_size)
  torch::nn::Linear fc2{nullptr};  // (hidden_size -> hidden_size)
};
TORCH_MODULE(Adaptor);

}  // namespace tmf
