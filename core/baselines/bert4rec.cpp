// BERT4Rec (Sun et al., CIKM'19) with RecBole's defaults.
#include "baselines/bert4rec.h"

#include "util/error.h"
#include "util/rng.h"

namespace tmf {

nlohmann::json bert4rec_defaults() {
  return {
      {"hidden", 64},                // hidden_size
      {"inner", 256},                // inner_size (feed-forward)
      {"layers", 2},                 // n_layers
      {"heads", 2},                  // n_heads
      {"dropout", 0.2},              // hidden_dropout_prob = attn_dropout_prob
      {"layer_norm_eps", 1e-12},     // layer_norm_eps
      {"init_std", 0.02},            // initializer_range
      {"mask_ratio", 0.2},           // mask_ratio (Cloze)
      {"max_len", 20},               // MAX_ITEM_LIST_LENGTH (RecBole 50; our split keeps 20 events)
      {"use_behaviors", true},       // add a behavior-type embedding to each input position
      {"learning_rate", 1e-3},       // Adam
      {"batch_size", 256},           // train_batch_size (RecBole 2048; our datasets are small)
      {"epochs", 100},               // upper bound; early stopping decides
      {"patience", 10},              // stopping_step: epochs without validation gain
  };
}

Bert4recImpl::Bert4recImpl(const nlohmann::json& s, const RankDims& d) : dims(d) {
  EncoderSettings e;
  e.hidden = s.at("hidden").get<int64_t>();
  e.inner = s.at("inner").get<int64_t>();
  e.layers = s.at("layers").get<int64_t>();
  e.heads = s.at("heads").get<int64_t>();
  e.dropout = s.at("dropout").get<double>();
  e.layer_norm_eps = s.at("layer_norm_eps").get<double>();
  mask_ratio = s.at("mask_ratio").get<double>();
  TMF_CHECK(mask_ratio >= 0 && mask_ratio < 1, "bert4rec: mask_ratio must be in [0, 1), got ", mask_ratio);
  const int64_t C = e.hidden;
  item_embeddings = register_module(
      "item_embeddings", torch::nn::Embedding(torch::nn::EmbeddingOptions(d.n_items + 2, C).padding_idx(0)));
  position_embeddings = register_module("position_embeddings", torch::nn::Embedding(d.max_len + 1, C));
  behavior_embeddings = register_module(
      "behavior_embeddings", torch::nn::Embedding(torch::nn::EmbeddingOptions(d.n_behaviors + 1, C).padding_idx(0)));
  input_layernorm =
      register_module("input_layernorm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({C}).eps(e.layer_norm_eps)));
  dropout = register_module("dropout", torch::nn::Dropout(e.dropout));
  encoder = register_module("encoder", TransformerEncoder(e));
  output_dense = register_module("output_dense", torch::nn::Linear(C, C));
  output_layernorm = register_module(
      "output_layernorm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({C}).eps(e.layer_norm_eps)));
  output_bias = register_parameter("output_bias", torch::zeros({d.n_items}));
  init_ranking_weights(*this, s.at("init_std").get<double>());
  if (!s.at("use_behaviors").get<bool>()) behavior_embeddings->weight.set_requires_grad(false);
}

torch::Tensor Bert4recImpl::forward(const torch::Tensor& items, const torch::Tensor& behaviors,
                                    const torch::Tensor& valid) {
  const int64_t T = items.size(1);
  TMF_CHECK(T == dims.max_len + 1, "BERT4Rec: sequence length ", T, " differs from max_len + 1 = ", dims.max_len + 1);
  torch::Tensor pos = torch::arange(T, items.options()).unsqueeze(0);               // (1, T)
  torch::Tensor x = item_embeddings->forward(items) + position_embeddings->forward(pos);
  if (behavior_embeddings->weight.requires_grad()) x = x + behavior_embeddings->forward(behaviors);
  x = dropout->forward(input_layernorm->forward(x));                                // (B, T, C)
  torch::Tensor h = encoder->forward(x, attention_mask(valid, /*causal=*/false));  // (B, T, C)
  h = output_layernorm->forward(torch::gelu(output_dense->forward(h)));
  return torch::matmul(h, item_embeddings->weight.slice(0, 1, dims.n_items + 1).t()) + output_bias;  // (B, T, N)
}

torch::Tensor Bert4recImpl::scores(const RankInput& in) {
  const int64_t B = in.items.size(0);
  auto opt = in.items.options();
  torch::Tensor items = torch::cat({in.items, torch::full({B, 1}, mask_row(), opt)}, 1);
  torch::Tensor beh = torch::cat({in.behaviors, torch::full({B, 1}, dims.target_behavior, opt)}, 1);
  torch::Tensor valid = torch::cat({in.valid, torch::ones({B, 1}, in.valid.options())}, 1);
  return forward(items, beh, valid).select(1, dims.max_len);                       // (B, N)
}

torch::Tensor Bert4recImpl::loss(const RankInput& in, const torch::Tensor& targets, Rng& rng) {
  const int64_t B = in.items.size(0), L = dims.max_len;
  const auto dev = in.items.device();
  torch::Tensor items = torch::cat({in.items, targets.view({B, 1})}, 1);           // (B, L+1)
  torch::Tensor beh = torch::cat({in.behaviors, torch::full({B, 1}, dims.target_behavior, in.items.options())}, 1);
  torch::Tensor valid = torch::cat({in.valid, torch::ones({B, 1}, in.valid.options())}, 1);
  // Cloze mask (B, L+1): history positions with probability mask_ratio, the target slot always.
  torch::Tensor mask = torch::zeros({B, L + 1}, torch::kBool);
  {
    torch::Tensor vcpu = in.valid.to(torch::kCPU);
    auto ma = mask.accessor<bool, 2>();
    auto va = vcpu.accessor<bool, 2>();
    for (int64_t b = 0; b < B; ++b) {
      for (int64_t t = 0; t < L; ++t) ma[b][t] = va[b][t] && rng.bernoulli(mask_ratio);
      ma[b][L] = true;
    }
  }
  mask = mask.to(dev);
  torch::Tensor labels = items.masked_select(mask) - 1;                            // (M)
  torch::Tensor logits = forward(items.masked_fill(mask, mask_row()), beh, valid);  // (B, L+1, N)
  return torch::nn::functional::cross_entropy(logits.index({mask}), labels);
}

}  // namespace tmf
