// CLIP text tower (transformers' CLIPTextTransformer): token + learned position embeddings,
// causal pre-LN encoder (plus a padding mask when given), final_layer_norm, pooled output at the
// EOS position: the first position whose id is eos_token_id, or argmax of the ids when
// eos_token_id == 2 (the legacy rule of old configs). A row without its EOS id is an error here
// (transformers would silently pool position 0).
// Dims: B batch, T tokens (<= max_position_embeddings), C hidden, V vocabulary.
#pragma once
#include <torch/torch.h>

#include "encoders/clip_config.h"
#include "encoders/clip_layers.h"
#include "encoders/clip_vision.h"  // ClipTowerOutput

namespace tmf {

struct ClipTextEmbeddingsImpl : torch::nn::Module {
  explicit ClipTextEmbeddingsImpl(const ClipTextConfig& c);
  torch::Tensor forward(const torch::Tensor& input_ids);  // (B, T) int64 -> (B, T, C)

  torch::nn::Embedding token_embedding{nullptr};     // (V, C)
  torch::nn::Embedding position_embedding{nullptr};  // (max_position_embeddings, C)
};
TORCH_MODULE(ClipTextEmbeddings);

struct ClipTextTransformerImpl : torch::nn::Module {
  explicit ClipTextTransformerImpl(const ClipTextConfig& c);
  // input_ids: (B, T) int64; attention_mask: (B, T) 1 = token, 0 = padding, or undefined.
  ClipTowerOutput forward(const torch::Tensor& input_ids, const torch::Tensor& attention_mask = {});

  ClipTextConfig config;
  ClipTextEmbeddings embeddings{nullptr};
  ClipEncoder encoder{nullptr};
  torch::nn::LayerNorm final_layer_norm{nullptr};  // (C)
};
TORCH_MODULE(ClipTextTransformer);

}  // namespace tmf
