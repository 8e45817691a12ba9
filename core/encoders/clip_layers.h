// Transformer blocks shared by CLIP's text and vision towers, named as transformers' CLIPAttention,
// CLIPMLP, CLIPEncoderLayer and CLIPEncoder so weights load one-to-one
// (encoder.layers.N.{layer_norm1, self_attn.{q,k,v,out}_proj, layer_norm2, mlp.{fc1,fc2}}).
// Pre-LayerNorm blocks; attention in fp32 softmax, fused kernel on LibTorch 2.x.
// Dims: B batch, T tokens, C hidden, H heads, D head width (C = H*D), F intermediate.
#pragma once
#include <torch/torch.h>

#include <string>

namespace tmf {

// "quick_gelu", "gelu", "gelu_new"/"gelu_pytorch_tanh", "relu".
torch::Tensor clip_activation(const torch::Tensor& x, const std::string& name);

struct ClipAttentionImpl : torch::nn::Module {
  ClipAttentionImpl(int64_t hidden, int64_t heads);
  // x: (B, T, C); mask: additive (B or 1, 1, T, T) float or undefined. Returns (B, T, C).
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& mask = {});

  int64_t num_heads, head_dim;
  torch::nn::Linear q_proj{nullptr}, k_proj{nullptr}, v_proj{nullptr}, out_proj{nullptr};  // (C, C) + bias
};
TORCH_MODULE(ClipAttention);

struct ClipMlpImpl : torch::nn::Module {
  ClipMlpImpl(int64_t hidden, int64_t intermediate, std::string act);
  torch::Tensor forward(const torch::Tensor& x);  // (B, T, C) -> (B, T, C)

  std::string act;
  torch::nn::Linear fc1{nullptr};  // (F, C)
  torch::nn::Linear fc2{nullptr};  // (C, F)
};
TORCH_MODULE(ClipMlp);

struct ClipEncoderLayerImpl : torch::nn::Module {
  ClipEncoderLayerImpl(int64_t hidden, int64_t heads, int64_t intermediate, const std::string& act, double eps);
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& mask = {});  // (B, T, C)

  ClipAttention self_attn{nullptr};
  torch::nn::LayerNorm layer_norm1{nullptr};  // (C)
  ClipMlp mlp{nullptr};
  torch::nn::LayerNorm layer_norm2{nullptr};  // (C)
};
TORCH_MODULE(ClipEncoderLayer);

struct ClipEncoderImpl : torch::nn::Module {
  ClipEncoderImpl(int64_t layers, int64_t hidden, int64_t heads, int64_t intermediate, const std::string& act,
                  double eps);
  torch::Tensor forward(torch::Tensor x, const torch::Tensor& mask = {});  // (B, T, C)

  torch::nn::ModuleList layers{nullptr};
};
TORCH_MODULE(ClipEncoder);

}  // namespace tmf
