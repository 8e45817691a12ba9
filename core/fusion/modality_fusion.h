// The Modality Fusion module of TMF (paper §4.1, Fig. 2):
//   Eq. 5  v_M = concat(v_image, v_text, v_graph)                       (B, T, d), d = Di + Dt + Dg
//   Eq. 6  AMSA: self-attention over the sequence of v_M                 weights W_att (B, H, T, T)
//          the AMSA output is projected to the image/text width Dc (query_proj)
//   Eq. 7  CMA1: query = projected AMSA, key = image, value = text      weights W_ext (B, H, T, T)
//   Eq. 8  CMA0: query = CMA1 output, key = text, value = image         weights W_image (B, H, T, T)
// Each row of the CMA0 output is the fused item representation (B, T, Dc). With use_cma = false
// (ablation level "+ item tokens (AMSA)") the projected AMSA output is the representation.
// Image and text embeddings must share one width (CLIP's projection dim). With cfg.residual each
// attention's output is added to its query input (see FusionConfig::residual).
#pragma once
#include <torch/nn/module.h>
#include <torch/nn/modules/linear.h>

#include "fusion/attention.h"

namespace tmf {

struct FusionConfig {
  int64_t image_dim = 0, text_dim = 0, graph_dim = 0;
  int64_t heads = 1;
  bool use_cma = true;
  // Each attention adds to its input (x + Attn(x)), as in a transformer block, instead of replacing
  // it (the paper's equations): the AMSA output keeps every item's own modalities beside what it
  // gathers from the sequence, and CMA adds to the AMSA representation instead of leaving only
  // image values (Eq. 8). Beyond the paper; docs/model-recipe.md has the measurement.
  bool residual = false;
  // Each modality is scaled to unit RMS per item before Eq. 5, so that no encoder's scale drowns
  // the others (the small CLIP's embeddings have norm ~13, MBHT's ~0.7). Beyond the paper.
  bool unit_inputs = false;
  int64_t amsa_dim() const { return image_dim + text_dim + graph_dim; }
  int64_t cross_dim() const { return image_dim; }
};

struct FusionOutput {
  torch::Tensor items;    // (B, T, Dc) fused item representations
  torch::Tensor amsa;     // (B, H, T, T) W_att
  torch::Tensor cma_ext;  // (B, H, T, T) W_ext (undefined without CMA)
  torch::Tensor cma_img;  // (B, H, T, T) W_image (undefined without CMA)
};

struct ModalityFusionImpl : torch::nn::Module {
  explicit ModalityFusionImpl(const FusionConfig& cfg);
  // image (B, T, Di), text (B, T, Dt), graph (B, T, Dg), mask (B, T) bool
  FusionOutput forward(const torch::Tensor& image, const torch::Tensor& text, const torch::Tensor& graph,
                       const torch::Tensor& mask);

  FusionConfig cfg;
  FusionAttention amsa{nullptr};        // (d -> d)
  torch::nn::Linear query_proj{nullptr};  // (d -> Dc)
  FusionAttention cma_ext{nullptr};     // q Dc, k image, v text -> Dc   (Eq. 7)
  FusionAttention cma_img{nullptr};     // q Dc, k text, v image -> Dc   (Eq. 8)
};
TORCH_MODULE(ModalityFusion);

}  // namespace tmf
