#include "fusion/adaptor.h"

#include <torch/nn/functional/activation.h>

namespace tmf {

AdaptorImpl::AdaptorImpl(int64_t in_dim, int64_t hidden_size) {
  fc1 = register_module("fc1", torch::nn::Linear(in_dim, hidden_size));
  fc2 = register_module("fc2", torch::nn::Linear(hidden_size, hidden_size));
}

torch::Tensor AdaptorImpl::forward(const torch::Tensor& x) { return fc2(torch::gelu(fc1(x))); }

}  // namespace tmf
