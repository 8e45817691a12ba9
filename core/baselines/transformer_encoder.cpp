// Transformer encoder of SASRec / BERT4Rec (RecBole's TransformerEncoder).
#include "baselines/transformer_encoder.h"

#include <cmath>

#include "util/error.h"

namespace tmf {

SelfAttentionBlockImpl::SelfAttentionBlockImpl(const EncoderSettings& s) : settings(s) {
  TMF_CHECK(s.hidden % s.heads == 0, "hidden ", s.hidden, " is not divisible by heads ", s.heads);
  const int64_t C = s.hidden;
  q_proj = register_module("q_proj", torch::nn::Linear(C, C));
  k_proj = register_module("k_proj", torch::nn::Linear(C, C));
  v_proj = register_module("v_proj", torch::nn::Linear(C, C));
  o_proj = register_module("o_proj", torch::nn::Linear(C, C));
  attention_layernorm = register_module(
      "attention_layernorm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({C}).eps(s.layer_norm_eps)));
  fc1 = register_module("fc1", torch::nn::Linear(C, s.inner));
  fc2 = register_module("fc2", torch::nn::Linear(s.inner, C));
  output_layernorm = register_module(
      "output_layernorm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({C}).eps(s.layer_norm_eps)));
  dropout = register_module("dropout", torch::nn::Dropout(s.dropout));
}

torch::Tensor SelfAttentionBlockImpl::forward(const torch::Tensor& x, const torch::Tensor& allowed) {
  const int64_t B = x.size(0), T = x.size(1), C = settings.hidden, H = settings.heads, D = C / H;
  auto heads = [&](const torch::Tensor& t) { return t.view({B, T, H, D}).transpose(1, 2); };  // (B, H, T, D)
  torch::Tensor q = heads(q_proj->forward(x)), k = heads(k_proj->forward(x)), v = heads(v_proj->forward(x));
  torch::Tensor s = torch::matmul(q, k.transpose(-2, -1)) / std::sqrt(double(D));  // (B, H, T, T)
  s = s.masked_fill(~allowed, -1e9);
  torch::Tensor w = dropout->forward(torch::softmax(s, -1));
  torch::Tensor a = torch::matmul(w, v).transpose(1, 2).contiguous().view({B, T, C});  // (B, T, C)
  torch::Tensor h = attention_layernorm->forward(x + dropout->forward(o_proj->forward(a)));
  torch::Tensor f = fc2->forward(torch::gelu(fc1->forward(h)));
  return output_layernorm->forward(h + dropout->forward(f));
}

TransformerEncoderImpl::TransformerEncoderImpl(const EncoderSettings& s) {
  for (int64_t i = 0; i < s.layers; ++i) layers->push_back(SelfAttentionBlock(s));
  register_module("layers", layers);
}

torch::Tensor TransformerEncoderImpl::forward(torch::Tensor x, const torch::Tensor& allowed) {
  for (const auto& l : *layers) x = l->as<SelfAttentionBlock>()->forward(x, allowed);
  return x;
}

torch::Tensor attention_mask(const torch::Tensor& valid, bool causal) {
  const int64_t T = valid.size(1);
  torch::Tensor m = valid.unsqueeze(1).unsqueeze(1).expand({valid.size(0), 1, T, T});  // keys valid
  if (causal) m = m & torch::ones({T, T}, valid.options()).tril().view({1, 1, T, T});
  return m;
}

}  // namespace tmf
