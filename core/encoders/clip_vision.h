// CLIP vision tower (transformers' CLIPVisionTransformer): patch embedding conv, class token,
// learned position embeddings, "pre_layrnorm" (sic, as the HF key), pre-LN encoder,
// "post_layernorm" applied to the class token, which is the pooled output. Input size must equal
// image_size (no position interpolation).
// Dims: B batch, N = (image_size / patch_size)^2 patches, C hidden, 3 channels, S image_size.
#pragma once
#include <torch/torch.h>

#include "encoders/clip_config.h"
#include "encoders/clip_layers.h"

namespace tmf {

struct ClipVisionEmbeddingsImpl : torch::nn::Module {
  explicit ClipVisionEmbeddingsImpl(const ClipVisionConfig& c);
  torch::Tensor forward(const torch::Tensor& pixel_values);  // (B, 3, S, S) -> (B, N+1, C)

  int64_t image_size, patch_size, num_channels;
  torch::Tensor class_embedding;                  // (C)
  torch::nn::Conv2d patch_embedding{nullptr};     // (C, 3, P, P), no bias
  torch::nn::Embedding position_embedding{nullptr};  // (N+1, C)
};
TORCH_MODULE(ClipVisionEmbeddings);

struct ClipTowerOutput {
  torch::Tensor last_hidden_state;  // (B, T, C)
  torch::Tensor pooled;             // (B, C)
};

struct ClipVisionTransformerImpl : torch::nn::Module {
  explicit ClipVisionTransformerImpl(const ClipVisionConfig& c);
  ClipTowerOutput forward(const torch::Tensor& pixel_values);  // (B, 3, S, S)

  ClipVisionEmbeddings embeddings{nullptr};
  torch::nn::LayerNorm pre_layrnorm{nullptr};  // (C)
  ClipEncoder encoder{nullptr};
  torch::nn::LayerNorm post_layernorm{nullptr};  // (C)
};
TORCH_MODULE(ClipVisionTransformer);

}  // namespace tmf
