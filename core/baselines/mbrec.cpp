// MBRec (Xia et al., TNNLS 2022): memory-attentive behavior messages, cross-behavior
// self-attention and gated aggregation.
#include "baselines/mbrec.h"

#include <cmath>

#include "baselines/bpr.h"
#include "util/error.h"

namespace tmf {

nlohmann::json mbrec_defaults() {
  return {
      {"embedding", 64},             // embedding size
      {"layers", 2},                 // GNN layers
      {"memory", 4},                 // memory units of the message transform
      {"heads", 2},                  // heads of the cross-behavior self-attention
      {"l2", 1e-4},                  // L2 penalty on the batch's embeddings
      {"init_std", 0.1},             // normal init
      {"max_len", 20},               // history events (unused by the score; kept for the batch layout)
      {"learning_rate", 1e-3},       // Adam
      {"batch_size", 256},           // positive (user, item) pairs per step
      {"epochs", 100},               // upper bound; early stopping decides
      {"patience", 10},              // epochs without validation gain
  };
}

MbrecLayerImpl::MbrecLayerImpl(int64_t D, int64_t NB, int64_t K, int64_t H) : heads(H) {
  TMF_CHECK(D % H == 0, "mbrec: embedding ", D, " is not divisible by heads ", H);
  memory_weights = register_parameter("memory_weights", torch::empty({K, D, D}));
  memory_keys = register_parameter("memory_keys", torch::empty({K, D}));
  behavior_bias = register_parameter("behavior_bias", torch::zeros({NB, K}));
  q_proj = register_module("q_proj", torch::nn::Linear(D, D));
  k_proj = register_module("k_proj", torch::nn::Linear(D, D));
  v_proj = register_module("v_proj", torch::nn::Linear(D, D));
  gate_proj = register_module("gate_proj", torch::nn::Linear(D, D));
  gate_vector = register_parameter("gate_vector", torch::empty({D}));
}

torch::Tensor MbrecLayerImpl::forward(const torch::Tensor& m) {
  const int64_t n = m.size(0), NB = m.size(1), D = m.size(2), Hh = heads, Dh = D / Hh;
  // Memory attention: each behavior message picks a mix of K transforms.
  torch::Tensor eta = torch::softmax(torch::matmul(m, memory_keys.t()) + behavior_bias, -1);  // (n, NB, K)
  torch::Tensor per_k = torch::einsum("nbd,kde->nbke", {m, memory_weights});                  // (n, NB, K, D)
  torch::Tensor h = (per_k * eta.unsqueeze(-1)).sum(2);                                       // (n, NB, D)
  // Self-attention across behaviors (residual).
  auto split = [&](const torch::Tensor& t) { return t.view({n, NB, Hh, Dh}).transpose(1, 2); };  // (n, H, NB, Dh)
  torch::Tensor q = split(q_proj->forward(h)), k = split(k_proj->forward(h)), v = split(v_proj->forward(h));
  torch::Tensor a = torch::softmax(torch::matmul(q, k.transpose(-2, -1)) / std::sqrt(double(Dh)), -1);
  h = h + torch::matmul(a, v).transpose(1, 2).reshape({n, NB, D});                            // (n, NB, D)
  // Gated aggregation over behaviors.
  torch::Tensor g = torch::softmax(torch::matmul(torch::tanh(gate_proj->forward(h)), gate_vector), -1);  // (n, NB)
  return (h * g.unsqueeze(-1)).sum(1);                                                        // (n, D)
}

MbrecImpl::MbrecImpl(const nlohmann::json& s, const RankDims& d, const BehaviorGraph& g) : dims(d) {
  const int64_t D = s.at("embedding").get<int64_t>(), K = s.at("layers").get<int64_t>();
  TMF_CHECK(int64_t(g.users.size()) == d.n_behaviors, "mbrec: graph has ", g.users.size(), " behaviors, dataset ",
            d.n_behaviors);
  l2 = s.at("l2").get<double>();
  user_embeddings = register_module("user_embeddings", torch::nn::Embedding(d.n_users + 1, D));
  item_embeddings = register_module("item_embeddings", torch::nn::Embedding(d.n_items + 1, D));
  for (int64_t l = 0; l < K; ++l)
    layers->push_back(MbrecLayer(D, d.n_behaviors, s.at("memory").get<int64_t>(), s.at("heads").get<int64_t>()));
  register_module("layers", layers);
  init_ranking_weights(*this, s.at("init_std").get<double>());
  {
    torch::NoGradGuard ng;
    for (auto& m : *layers) {
      auto* l = m->as<MbrecLayer>();
      l->behavior_bias.zero_();
      l->memory_weights.add_(torch::eye(D).unsqueeze(0));  // transforms start near the identity
    }
  }
  adj_ = BehaviorAdjacency(g, d);
}

std::pair<torch::Tensor, torch::Tensor> MbrecImpl::propagate() {
  const auto dev = user_embeddings->weight.device();
  adj_.to(dev);
  torch::Tensor u = user_embeddings->weight, i = item_embeddings->weight;  // (U+1, D), (N+1, D)
  torch::Tensor u_sum = u, i_sum = i;
  for (const auto& m : *layers) {
    auto* layer = m->as<MbrecLayer>();
    std::vector<torch::Tensor> mu, mi;
    for (size_t b = 0; b < adj_.ui.size(); ++b) {
      mu.push_back(torch::mm(adj_.ui[b], i));
      mi.push_back(torch::mm(adj_.iu[b], u));
    }
    torch::Tensor nu = layer->forward(torch::stack(mu, 1)), ni = layer->forward(torch::stack(mi, 1));
    u = nu;
    i = ni;
    u_sum = u_sum + u;
    i_sum = i_sum + i;
  }
  const double n = double(layers->size() + 1);
  return {u_sum / n, i_sum / n};
}

torch::Tensor MbrecImpl::scores(const RankInput& in) {
  auto [u, i] = propagate();
  return torch::matmul(u.index_select(0, in.users), i.slice(0, 1).t());  // (B, N)
}

torch::Tensor MbrecImpl::loss(const RankInput& in, const torch::Tensor& targets, Rng& rng) {
  auto [u, i] = propagate();
  torch::Tensor negs = bpr_negatives(targets, dims.n_items, rng);  // (B)
  return bpr_loss(u.index_select(0, in.users), i, targets, negs, user_embeddings, item_embeddings, in.users, l2);
}

}  // namespace tmf
