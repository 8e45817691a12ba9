// GRU4Rec (Hidasi et al., ICLR'16) with RecBole's defaults.
#include "baselines/gru4rec.h"

namespace tmf {

nlohmann::json gru4rec_defaults() {
  return {
      {"embedding", 64},             // embedding_size
      {"hidden", 128},               // hidden_size (GRU state)
      {"layers", 1},                 // num_layers
      {"dropout", 0.3},              // dropout_prob (input embeddings)
      {"init_std", 0.02},            // normal init of embeddings / dense (RecBole: xavier for the GRU)
      {"max_len", 20},               // MAX_ITEM_LIST_LENGTH (RecBole 50; our split keeps 20 events)
      {"use_behaviors", true},       // add a behavior-type embedding to each input
      {"learning_rate", 1e-3},       // Adam
      {"batch_size", 256},           // train_batch_size (RecBole 2048; our datasets are small)
      {"epochs", 100},               // upper bound; early stopping decides
      {"patience", 10},              // stopping_step: epochs without validation gain
  };
}

Gru4recImpl::Gru4recImpl(const nlohmann::json& s, const RankDims& d) : dims(d) {
  const int64_t E = s.at("embedding").get<int64_t>(), Hd = s.at("hidden").get<int64_t>();
  use_behaviors = s.at("use_behaviors").get<bool>();
  item_embeddings = register_module(
      "item_embeddings", torch::nn::Embedding(torch::nn::EmbeddingOptions(d.n_items + 1, E).padding_idx(0)));
  behavior_embeddings = register_module(
      "behavior_embeddings", torch::nn::Embedding(torch::nn::EmbeddingOptions(d.n_behaviors + 1, E).padding_idx(0)));
  emb_dropout = register_module("emb_dropout", torch::nn::Dropout(s.at("dropout").get<double>()));
  gru = register_module("gru", torch::nn::GRU(torch::nn::GRUOptions(E, Hd)
                                                  .num_layers(s.at("layers").get<int64_t>())
                                                  .bias(false)
                                                  .batch_first(true)));
  dense = register_module("dense", torch::nn::Linear(Hd, E));
  const double std = s.at("init_std").get<double>();
  init_ranking_weights(*this, std);
  // RecBole: xavier_uniform for the GRU's weights (a normal(0, 0.02) GRU barely moves).
  torch::NoGradGuard ng;
  for (auto& p : gru->named_parameters())
    if (p.key().find("weight") != std::string::npos) torch::nn::init::xavier_uniform_(p.value());
}

torch::Tensor Gru4recImpl::scores(const RankInput& in) {
  torch::Tensor x = item_embeddings->forward(in.items);                        // (B, L, E)
  if (use_behaviors) x = x + behavior_embeddings->forward(in.behaviors);
  x = emb_dropout->forward(x);
  torch::Tensor out = std::get<0>(gru->forward(x));                            // (B, L, Hd)
  torch::Tensor h = dense->forward(out.select(1, out.size(1) - 1));            // (B, E)
  return torch::matmul(h, item_embeddings->weight.slice(0, 1).t());            // (B, N)
}

torch::Tensor Gru4recImpl::loss(const RankInput& in, const torch::Tensor& targets, Rng&) {
  return torch::nn::functional::cross_entropy(scores(in), targets - 1);
}

}  // namespace tmf
