// The transformer encoder of the sequential baselines SASRec and BERT4Rec, as RecBole's
// TransformerEncoder (Vaswani et al., NeurIPS'17; Kang & McAuley, ICDM'18; Sun et al., CIKM'19):
// post-LN residual blocks
//   h   = LayerNorm(x + Dropout(MultiHeadAttention(x, mask)))
//   out = LayerNorm(h + Dropout(fc2(GELU(fc1(h)))))
// with an explicit attention mask (causal and/or key padding). Attention is written by hand
// (LibTorch 1.13 has no fused kernel).
#pragma once
#include <torch/torch.h>

namespace tmf {

struct EncoderSettings {
  int64_t hidden = 64;   // C
  int64_t inner = 256;   // feed-forward width
  int64_t layers = 2;
  int64_t heads = 2;     // H, D = C / H
  double dropout = 0.5;  // hidden and attention dropout
  double layer_norm_eps = 1e-12;
};

struct SelfAttentionBlockImpl : torch::nn::Module {
  explicit SelfAttentionBlockImpl(const EncoderSettings& s);
  // x (B, T, C); allowed (B, 1, T, T) bool: query t may attend key s -> (B, T, C)
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& allowed);

  EncoderSettings settings;
  torch::nn::Linear q_proj{nullptr}, k_proj{nullptr}, v_proj{nullptr}, o_proj{nullptr};  // (C, C)
  torch::nn::LayerNorm attention_layernorm{nullptr};
  torch::nn::Linear fc1{nullptr};  // (C, inner)
  torch::nn::Linear fc2{nullptr};  // (inner, C)
  torch::nn::LayerNorm output_layernorm{nullptr};
  torch::nn::Dropout dropout{nullptr};
};
TORCH_MODULE(SelfAttentionBlock);

struct TransformerEncoderImpl : torch::nn::Module {
  explicit TransformerEncoderImpl(const EncoderSettings& s);
  torch::Tensor forward(torch::Tensor x, const torch::Tensor& allowed);  // (B, T, C)
  torch::nn::ModuleList layers;  // SelfAttentionBlock x layers
};
TORCH_MODULE(TransformerEncoder);

// (B, 1, T, T) masks: keys must be valid; causal also forbids s > t.
torch::Tensor attention_mask(const torch::Tensor& valid, bool causal);

}  // namespace tmf
