// MBHT: Multi-Behavior Hypergraph-Enhanced Transformer (Yang et al., KDD'22), the graph encoder of
// TMF (paper §3.3, Eq. 3-4) and one of its baselines (Table 2). Summary in design/references.md.
//   input      e_t = LayerNorm(item[i_t] + position[t] + behavior[b_t]), dropout
//   transformer multi-scale attention, bidirectional: one low-rank branch (Linformer: keys and
//              values projected along the sequence from T to low_rank rows) plus one branch per
//              scale s (keys and values from the sequence mean-pooled over groups of s positions,
//              groups aligned to the end); branch outputs concatenated and projected back to C;
//              post-LN residual blocks with a GELU feed-forward (as BERT4Rec/RecBole)
//   hypergraph gated item embeddings g_t = item[i_t] * sigmoid(W item[i_t]); incidence and
//              G = Dv^-1 H De^-1 H^T per sequence (hypergraph.h); hyper_layers conv layers
//              x <- G x W_l, outputs averaged
//   fusion     softmax gate over [transformer; hypergraph] per position
//   output     logits = h . item[1..N]^T + bias (item table tied as the output layer)
// Sequences are left-padded so the last slot (T-1) is the one predicted at inference.
// Rows: item 0 pad, 1..N items, N+1 mask token; behavior 0 pad, 1..NB.
// Limits: attention written by hand (LibTorch 1.13 has no fused kernel); no causal variant.
#pragma once
#include <torch/torch.h>

#include "graph/mbht_config.h"

namespace tmf {

// Attention of q over k/v with an optional key mask; returns (B, H, T, D).
// q (B, H, T, D), k/v (B, H, S, D), key_valid (B, S) bool or undefined.
torch::Tensor mbht_attention(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                             const torch::Tensor& key_valid, double dropout, bool training);

struct MultiScaleAttentionImpl : torch::nn::Module {
  explicit MultiScaleAttentionImpl(const MbhtConfig& c);
  // x (B, T, C), valid (B, T) bool -> (B, T, C)
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& valid);

  MbhtConfig config;
  torch::nn::Linear lowrank_qkv{nullptr};    // (C, 3C)
  torch::Tensor lowrank_proj_k;              // (K, T) sequence projection of keys
  torch::Tensor lowrank_proj_v;              // (K, T) sequence projection of values
  torch::nn::ModuleList scale_qkv;           // per scale: Linear (C, 3C)
  torch::nn::Linear o_proj{nullptr};         // ((1 + n_scales) C, C)

 private:
  torch::Tensor split_heads(const torch::Tensor& x) const;  // (B, S, C) -> (B, H, S, D)
  torch::Tensor merge_heads(const torch::Tensor& x) const;  // (B, H, T, D) -> (B, T, C)
};
TORCH_MODULE(MultiScaleAttention);

struct MbhtLayerImpl : torch::nn::Module {
  explicit MbhtLayerImpl(const MbhtConfig& c);
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& valid);  // (B, T, C)

  MultiScaleAttention attention{nullptr};
  torch::nn::LayerNorm attention_layernorm{nullptr};
  torch::nn::Linear fc1{nullptr};  // (C, inner)
  torch::nn::Linear fc2{nullptr};  // (inner, C)
  torch::nn::LayerNorm output_layernorm{nullptr};
  torch::nn::Dropout dropout{nullptr};
};
TORCH_MODULE(MbhtLayer);

struct MbhtImpl : torch::nn::Module {
  explicit MbhtImpl(const MbhtConfig& c);  // weights initialised from torch's RNG (seed it)

  // items, behaviors (B, T) int64 rows; valid (B, T) bool -> sequence representations (B, T, C).
  torch::Tensor forward(const torch::Tensor& items, const torch::Tensor& behaviors, const torch::Tensor& valid);
  // h (..., C) -> logits over the N items (..., N); column j is item row j + 1.
  torch::Tensor logits(const torch::Tensor& h);
  // History (B, T-1) left-padded (items, behaviors as rows, valid bool); a masked slot with the
  // target behavior is appended and its logits returned: (B, N).
  torch::Tensor score_last(const torch::Tensor& items, const torch::Tensor& behaviors, const torch::Tensor& valid);
  // The hypergraph branch alone, for inspection: (B, T, C); also returns H when asked.
  torch::Tensor hypergraph(const torch::Tensor& items, const torch::Tensor& behaviors, const torch::Tensor& valid,
                           torch::Tensor* incidence = nullptr);

  int64_t mask_row() const { return config.n_items + 1; }

  MbhtConfig config;
  torch::nn::Embedding item_embeddings{nullptr};      // (N + 2, C)
  torch::nn::Embedding position_embeddings{nullptr};  // (T, C)
  torch::nn::Embedding behavior_embeddings{nullptr};  // (NB + 1, C)
  torch::nn::LayerNorm input_layernorm{nullptr};
  torch::nn::Dropout dropout{nullptr};
  torch::nn::ModuleList layers;                       // MbhtLayer x layers
  torch::nn::Linear hyper_gate{nullptr};              // (C, C)
  torch::nn::ModuleList hyper_convs;                  // Linear (C, C) x hyper_layers, no bias
  torch::nn::Linear fusion_gate{nullptr};             // (2C, 2)
  torch::Tensor output_bias;                          // (N)
};
TORCH_MODULE(Mbht);

}  // namespace tmf
