// MBGCN (Jin et al., SIGIR'20): user-item and item-item propagation over the behavior graphs.
#include "baselines/mbgcn.h"

#include "baselines/bpr.h"
#include "util/error.h"

namespace tmf {

nlohmann::json mbgcn_defaults() {
  return {
      {"embedding", 64},             // embedding_size
      {"layers", 2},                 // propagation layers
      {"lambda", 0.5},               // weight of the item-based score y2 (Eq. 10)
      {"l2", 1e-4},                  // L2 penalty on the batch's embeddings
      {"init_std", 0.1},             // normal init of embeddings and transforms
      {"max_len", 20},               // history events used by the item-based score
      {"learning_rate", 1e-3},       // Adam
      {"batch_size", 256},           // positive (user, item) pairs per step
      {"epochs", 100},               // upper bound; early stopping decides
      {"patience", 10},              // epochs without validation gain
  };
}

MbgcnImpl::MbgcnImpl(const nlohmann::json& s, const RankDims& d, const BehaviorGraph& g) : dims(d) {
  const int64_t D = s.at("embedding").get<int64_t>(), K = s.at("layers").get<int64_t>();
  TMF_CHECK(int64_t(g.users.size()) == d.n_behaviors, "mbgcn: graph has ", g.users.size(), " behaviors, dataset ",
            d.n_behaviors);
  lambda = s.at("lambda").get<double>();
  l2 = s.at("l2").get<double>();
  user_embeddings = register_module("user_embeddings", torch::nn::Embedding(d.n_users + 1, D));
  item_embeddings = register_module("item_embeddings", torch::nn::Embedding(d.n_items + 1, D));
  behavior_weight = register_parameter("behavior_weight", torch::zeros({d.n_behaviors}));
  for (int64_t l = 0; l < K; ++l) {
    user_transforms->push_back(torch::nn::Linear(torch::nn::LinearOptions(D, D).bias(false)));
    item_transforms->push_back(torch::nn::Linear(torch::nn::LinearOptions(D, D).bias(false)));
  }
  for (int64_t b = 0; b < d.n_behaviors; ++b)
    item_item_transforms->push_back(torch::nn::Linear(torch::nn::LinearOptions(D, D).bias(false)));
  register_module("user_transforms", user_transforms);
  register_module("item_transforms", item_transforms);
  register_module("item_item_transforms", item_item_transforms);
  init_ranking_weights(*this, s.at("init_std").get<double>());
  {
    torch::NoGradGuard ng;
    behavior_weight.zero_();
    // Transforms start near the identity so that early propagation keeps the embeddings' scale.
    for (auto* list : {&user_transforms, &item_transforms, &item_item_transforms})
      for (auto& m : **list) m->as<torch::nn::Linear>()->weight.add_(torch::eye(D));
  }
  adj_ = BehaviorAdjacency(g, d);
}

std::pair<torch::Tensor, torch::Tensor> MbgcnImpl::propagate() {
  const auto dev = user_embeddings->weight.device();
  adj_.to(dev);
  torch::Tensor alpha = torch::softmax(behavior_weight, 0);  // (NB)
  torch::Tensor u = user_embeddings->weight, i = item_embeddings->weight;  // (U+1, D), (N+1, D)
  torch::Tensor u_sum = u, i_sum = i;
  for (size_t l = 0; l < user_transforms->size(); ++l) {
    torch::Tensor nu = torch::zeros_like(u), ni = torch::zeros_like(i);
    for (size_t b = 0; b < adj_.ui.size(); ++b) {
      nu = nu + alpha[int64_t(b)] * torch::mm(adj_.ui[b], i);
      ni = ni + alpha[int64_t(b)] * torch::mm(adj_.iu[b], u);
    }
    u = user_transforms[l]->as<torch::nn::Linear>()->forward(nu);
    i = item_transforms[l]->as<torch::nn::Linear>()->forward(ni);
    u_sum = u_sum + u;
    i_sum = i_sum + i;
  }
  const double n = double(user_transforms->size() + 1);
  return {u_sum / n, i_sum / n};
}

torch::Tensor MbgcnImpl::query(const RankInput& in, const torch::Tensor& users, const torch::Tensor& items) {
  torch::Tensor q = users.index_select(0, in.users);                          // (B, D)
  if (lambda == 0) return q;
  const torch::Tensor e = item_embeddings->weight;                            // (N+1, D)
  torch::Tensor item_based = torch::zeros_like(q);
  for (size_t b = 0; b < adj_.ui.size(); ++b) {
    // s_b for every item: M_b (mean over the users of j under b of their mean item under b).
    torch::Tensor s = item_item_transforms[b]->as<torch::nn::Linear>()->forward(torch::mm(adj_.iu[b], torch::mm(adj_.ui[b], e)));
    torch::Tensor sel = (in.behaviors == int64_t(b) + 1) & in.valid;         // (B, L)
    torch::Tensor w = sel.to(q.dtype());
    torch::Tensor hs = s.index_select(0, in.items.reshape({-1})).view({in.items.size(0), in.items.size(1), -1});
    torch::Tensor mean = (hs * w.unsqueeze(-1)).sum(1) / w.sum(1, true).clamp_min(1.0);  // (B, D)
    item_based = item_based + mean;
  }
  (void)items;
  return q + lambda * item_based;
}

torch::Tensor MbgcnImpl::scores(const RankInput& in) {
  auto [u, i] = propagate();
  return torch::matmul(query(in, u, i), i.slice(0, 1).t());                   // (B, N)
}

torch::Tensor MbgcnImpl::loss(const RankInput& in, const torch::Tensor& targets, Rng& rng) {
  auto [u, i] = propagate();
  torch::Tensor negs = bpr_negatives(targets, dims.n_items, rng);  // (B)
  return bpr_loss(query(in, u, i), i, targets, negs, user_embeddings, item_embeddings, in.users, l2);
}

}  // namespace tmf
