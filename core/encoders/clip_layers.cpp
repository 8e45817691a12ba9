// CLIP transformer blocks; see clip_layers.h.
#include "encoders/clip_layers.h"

#include <torch/version.h>

#include <cmath>

#include "util/error.h"

namespace tmf {

torch::Tensor clip_activation(const torch::Tensor& x, const std::string& name) {
  if (name == "quick_gelu") return x * torch::sigmoid(1.702 * x);
  if (name == "gelu") return torch::gelu(x);
  if (name == "gelu_new" || name == "gelu_pytorch_tanh") return torch::gelu(x, "tanh");
  if (name == "relu") return torch::relu(x);
  fail("unsupported CLIP activation '", name, "'");
}

ClipAttentionImpl::ClipAttentionImpl(int64_t hidden, int64_t heads) : num_heads(heads), head_dim(hidden / heads) {
  TMF_CHECK(heads > 0 && hidden % heads == 0, "CLIP attention: hidden size ", hidden,
            " is not divisible by num_heads ", heads);
  q_proj = register_module("q_proj", torch::nn::Linear(hidden, hidden));
  k_proj = register_module("k_proj", torch::nn::Linear(hidden, hidden));
  v_proj = register_module("v_proj", torch::nn::Linear(hidden, hidden));
  out_proj = register_module("out_proj", torch::nn::Linear(hidden, hidden));
}

torch::Tensor ClipAttentionImpl::forward(const torch::Tensor& x, const torch::Tensor& mask) {
  const int64_t B = x.size(0), T = x.size(1);
  auto heads = [&](const torch::Tensor& t) { return t.view({B, T, num_heads, head_dim}).transpose(1, 2); };
  torch::Tensor q = heads(q_proj(x));  // (B, H, T, D)
  torch::Tensor k = heads(k_proj(x));  // (B, H, T, D)
  torch::Tensor v = heads(v_proj(x));  // (B, H, T, D)
  torch::Tensor y;                     // (B, H, T, D)
#if TORCH_VERSION_MAJOR >= 2
  y = at::scaled_dot_product_attention(q, k, v, mask.defined() ? c10::optional<at::Tensor>(mask.to(q.dtype()))
                                                               : c10::nullopt);
#else
  torch::Tensor scores = torch::matmul(q, k.transpose(-2, -1)) * (1.0 / std::sqrt(double(head_dim)));  // (B, H, T, T)
  if (mask.defined()) scores = scores + mask.to(scores.dtype());
  y = torch::matmul(torch::softmax(scores, -1, torch::kFloat32).to(q.dtype()), v);
#endif
  return out_proj(y.transpose(1, 2).reshape({B, T, num_heads * head_dim}));
}

ClipMlpImpl::ClipMlpImpl(int64_t hidden, int64_t intermediate, std::string act_name) : act(std::move(act_name)) {
  fc1 = register_module("fc1", torch::nn::Linear(hidden, intermediate));
  fc2 = register_module("fc2", torch::nn::Linear(intermediate, hidden));
}

torch::Tensor ClipMlpImpl::forward(const torch::Tensor& x) { return fc2(clip_activation(fc1(x), act)); }

ClipEncoderLayerImpl::ClipEncoderLayerImpl(int64_t hidden, int64_t heads, int64_t intermediate, const std::string& act,
                                           double eps) {
  self_attn = register_module("self_attn", ClipAttention(hidden, heads));
  layer_norm1 = register_module("layer_norm1", torch::nn::LayerNorm(torch::nn::LayerNormOptions({hidden}).eps(eps)));
  mlp = register_module("mlp", ClipMlp(hidden, intermediate, act));
  layer_norm2 = register_module("layer_norm2", torch::nn::LayerNorm(torch::nn::LayerNormOptions({hidden}).eps(eps)));
}

torch::Tensor ClipEncoderLayerImpl::forward(const torch::Tensor& x, const torch::Tensor& mask) {
  torch::Tensor h = x + self_attn(layer_norm1(x), mask);  // (B, T, C)
  return h + mlp(layer_norm2(h));
}

ClipEncoderImpl::ClipEncoderImpl(int64_t n, int64_t hidden, int64_t heads, int64_t intermediate,
                                 const std::string& act, double eps) {
  layers = register_module("layers", torch::nn::ModuleList());
  for (int64_t i = 0; i < n; ++i) layers->push_back(ClipEncoderLayer(hidden, heads, intermediate, act, eps));
}

torch::Tensor ClipEncoderImpl::forward(torch::Tensor x, const torch::Tensor& mask) {
  for (const auto& layer : *layers) x = layer->as<ClipEncoderLayer>()->forward(x, mask);
  return x;
}

}  // namespace tmf
