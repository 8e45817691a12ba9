// CLIP (transformers' CLIPModel): text and vision towers, bias-free projections into a shared
// space of projection_dim P, and the learnable temperature logit_scale. Module names mirror the
// HF keys (text_model..., vision_model..., text_projection, visual_projection, logit_scale) so a
// model.safetensors loads one-to-one. Loading and saving use a directory with config.json and
// model.safetensors (fp32 as stored); random init follows transformers' CLIPPreTrainedModel.
// Dims: B batch, T tokens, S image size, P projection_dim.
#pragma once
#include <torch/torch.h>

#include <string>

#include "encoders/clip_config.h"
#include "encoders/clip_text.h"
#include "encoders/clip_vision.h"

namespace tmf {

struct ClipOutput {
  torch::Tensor image_embeds;      // (B_img, P), L2-normalised
  torch::Tensor text_embeds;       // (B_txt, P), L2-normalised
  torch::Tensor logits_per_image;  // (B_img, B_txt) = exp(logit_scale) * cosine similarity
  torch::Tensor logits_per_text;   // (B_txt, B_img)
};

struct ClipModelImpl : torch::nn::Module {
  explicit ClipModelImpl(const ClipConfig& c);

  torch::Tensor get_image_features(const torch::Tensor& pixel_values);  // (B, 3, S, S) -> (B, P), not normalised
  torch::Tensor get_text_features(const torch::Tensor& input_ids,
                                  const torch::Tensor& attention_mask = {});  // (B, T) -> (B, P), not normalised
  ClipOutput forward(const torch::Tensor& pixel_values, const torch::Tensor& input_ids,
                     const torch::Tensor& attention_mask = {});

  ClipConfig config;
  ClipTextTransformer text_model{nullptr};
  ClipVisionTransformer vision_model{nullptr};
  torch::nn::Linear visual_projection{nullptr};  // (P, C_vision), no bias
  torch::nn::Linear text_projection{nullptr};    // (P, C_text), no bias
  torch::Tensor logit_scale;                     // () log of the inverse temperature
};
TORCH_MODULE(ClipModel);

// Symmetric InfoNCE: mean of the cross-entropies of logits_per_text and logits_per_image against
// the diagonal (pair i matches pair i). Batches of texts and images must be the same size.
torch::Tensor clip_contrastive_loss(const ClipOutput& out);

// A model with transformers' initialisation, deterministic for `seed` (CPU generator).
ClipModel make_clip(const ClipConfig& c, uint64_t seed);
// Reads dir/config.json and dir/model.safetensors (or a sharded index); every parameter must be
// present with its shape; unknown tensors other than position_ids buffers are an error.
ClipModel load_clip(const std::string& dir, const std::string& device = "cpu");
// Writes dir/config.json and dir/model.safetensors (float32), creating dir.
void save_clip(ClipModel& model, const std::string& dir);

}  // namespace tmf
