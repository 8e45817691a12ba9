// CLIP vision tower; see clip_vision.h.
#include "encoders/clip_vision.h"

#include "util/error.h"

namespace tmf {

ClipVisionEmbeddingsImpl::ClipVisionEmbeddingsImpl(const ClipVisionConfig& c)
    : image_size(c.image_size), patch_size(c.patch_size), num_channels(c.num_channels) {
  const int64_t n = (c.image_size / c.patch_size) * (c.image_size / c.patch_size);
  class_embedding = register_parameter("class_embedding", torch::randn({c.hidden_size}));
  patch_embedding = register_module(
      "patch_embedding",
      torch::nn::Conv2d(torch::nn::Conv2dOptions(c.num_channels, c.hidden_size, c.patch_size).stride(c.patch_size).bias(false)));
  position_embedding = register_module("position_embedding", torch::nn::Embedding(n + 1, c.hidden_size));
}

torch::Tensor ClipVisionEmbeddingsImpl::forward(const torch::Tensor& pixel_values) {
  TMF_CHECK(pixel_values.dim() == 4 && pixel_values.size(1) == num_channels && pixel_values.size(2) == image_size &&
                pixel_values.size(3) == image_size,
            "CLIP vision: pixel_values must be (B, ", num_channels, ", ", image_size, ", ", image_size, "), got ",
            pixel_values.sizes());
  const int64_t B = pixel_values.size(0);
  torch::Tensor patches = patch_embedding(pixel_values.to(patch_embedding->weight.dtype()));  // (B, C, S/P, S/P)
  patches = patches.flatten(2).transpose(1, 2);                                               // (B, N, C)
  torch::Tensor cls = class_embedding.view({1, 1, -1}).expand({B, 1, class_embedding.size(0)});  // (B, 1, C)
  torch::Tensor x = torch::cat({cls, patches}, 1);                                            // (B, N+1, C)
  return x + position_embedding->weight.unsqueeze(0);
}

ClipVisionTransformerImpl::ClipVisionTransformerImpl(const ClipVisionConfig& c) {
  embeddings = register_module("embeddings", ClipVisionEmbeddings(c));
  pre_layrnorm = register_module("pre_layrnorm",
                                 torch::nn::LayerNorm(torch::nn::LayerNormOptions({c.hidden_size}).eps(c.layer_norm_eps)));
  encoder = register_module("encoder", ClipEncoder(c.num_hidden_layers, c.hidden_size, c.num_attention_heads,
                                                   c.intermediate_size, c.hidden_act, c.layer_norm_eps));
  post_layernorm = register_module(
      "post_layernorm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({c.hidden_size}).eps(c.layer_norm_eps)));
}

ClipTowerOutput ClipVisionTransformerImpl::forward(const torch::Tensor& pixel_values) {
  torch::Tensor x = pre_layrnorm(embeddings(pixel_values));  // (B, N+1, C)
  x = encoder(x);
  torch::Tensor pooled = post_layernorm(x.select(1, 0));  // (B, C): the class token
  return {x, pooled};
}

}  // namespace tmf
