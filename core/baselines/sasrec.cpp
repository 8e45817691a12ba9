// SASRec (Kang & McAuley, ICDM'18) with RecBole's defaults.
#include "baselines/sasrec.h"

#include "util/error.h"

namespace tmf {

nlohmann::json sasrec_defaults() {
  return {
      {"hidden", 64},                // hidden_size
      {"inner", 256},                // inner_size (feed-forward)
      {"layers", 2},                 // n_layers
      {"heads", 2},                  // n_heads
      {"dropout", 0.5},              // hidden_dropout_prob = attn_dropout_prob
      {"layer_norm_eps", 1e-12},     // layer_norm_eps
      {"init_std", 0.02},            // initializer_range
      {"max_len", 20},               // MAX_ITEM_LIST_LENGTH (RecBole 50; our split keeps 20 events)
      {"use_behaviors", true},       // add a behavior-type embedding to each input position
      {"learning_rate", 1e-3},       // Adam
      {"batch_size", 256},           // train_batch_size (RecBole 2048; our datasets are small)
      {"epochs", 100},               // upper bound; early stopping decides
      {"patience", 10},              // stopping_step: epochs without validation gain
  };
}

static EncoderSettings encoder_settings(const nlohmann::json& s) {
  EncoderSettings e;
  e.hidden = s.at("hidden").get<int64_t>();
  e.inner = s.at("inner").get<int64_t>();
  e.layers = s.at("layers").get<int64_t>();
  e.heads = s.at("heads").get<int64_t>();
  e.dropout = s.at("dropout").get<double>();
  e.layer_norm_eps = s.at("layer_norm_eps").get<double>();
  return e;
}

SasrecImpl::SasrecImpl(const nlohmann::json& s, const RankDims& d) : dims(d) {
  const EncoderSettings e = encoder_settings(s);
  const int64_t C = e.hidden;
  item_embeddings = register_module(
      "item_embeddings", torch::nn::Embedding(torch::nn::EmbeddingOptions(d.n_items + 1, C).padding_idx(0)));
  position_embeddings = register_module("position_embeddings", torch::nn::Embedding(d.max_len, C));
  behavior_embeddings = register_module(
      "behavior_embeddings", torch::nn::Embedding(torch::nn::EmbeddingOptions(d.n_behaviors + 1, C).padding_idx(0)));
  input_layernorm =
      register_module("input_layernorm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({C}).eps(e.layer_norm_eps)));
  dropout = register_module("dropout", torch::nn::Dropout(e.dropout));
  encoder = register_module("encoder", TransformerEncoder(e));
  init_ranking_weights(*this, s.at("init_std").get<double>());
  if (!s.at("use_behaviors").get<bool>()) behavior_embeddings->weight.set_requires_grad(false);
}

torch::Tensor SasrecImpl::encode(const RankInput& in) {
  const int64_t L = in.items.size(1);
  TMF_CHECK(L == dims.max_len, "SASRec: history length ", L, " differs from max_len ", dims.max_len);
  torch::Tensor pos = torch::arange(L, in.items.options()).unsqueeze(0);           // (1, L)
  torch::Tensor x = item_embeddings->forward(in.items) + position_embeddings->forward(pos);
  if (behavior_embeddings->weight.requires_grad()) x = x + behavior_embeddings->forward(in.behaviors);
  x = dropout->forward(input_layernorm->forward(x));                                // (B, L, C)
  return encoder->forward(x, attention_mask(in.valid, /*causal=*/true));            // (B, L, C)
}

torch::Tensor SasrecImpl::scores(const RankInput& in) {
  torch::Tensor h = encode(in).select(1, dims.max_len - 1);                         // (B, C)
  return torch::matmul(h, item_embeddings->weight.slice(0, 1).t());                 // (B, N)
}

torch::Tensor SasrecImpl::loss(const RankInput& in, const torch::Tensor& targets, Rng&) {
  return torch::nn::functional::cross_entropy(scores(in), targets - 1);
}

}  // namespace tmf
