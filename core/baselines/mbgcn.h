// MBGCN: Multi-Behavior Recommendation with Graph Convolutional Networks (Jin et al., SIGIR'20), a
// graph multi-behavior baseline of TMF paper Table 2 (design/references.md).
//   user-item propagation (paper §3.2.1-3.2.2, Eq. 2-6): per layer l,
//       u^{l+1} = (sum_b a_b mean_{i in N_b(u)} i^l) W_u^l,   i^{l+1} = (sum_b a_b mean_{u in N_b(i)} u^l) W_i^l
//     with learned behavior weights a = softmax(behavior_weight); final vectors are the mean of the
//     layers (0..K). y1(u, i) = u* . i*  (Eq. 8)
//   item-item propagation (§3.2.3, Eq. 7): per behavior b, s_b(j) = M_b (mean of the items that the
//     users of j interacted with under b) — two hops through the users of b, never materialised;
//     y2(u, i) = sum_b mean_{j in N_b(u)} s_b(j) . i*  (Eq. 9)
//   score y = y1 + lambda y2 (Eq. 10), BPR loss with one sampled negative per positive (Eq. 11).
// N_b(u) of the item-based part is the row's own history (the items the user interacted with under
// each behavior before the predicted event), so it also covers users absent from the training graph.
// The graph holds every event before each user's validation target (ranking_net.h BehaviorGraph).
// Limits: one negative per positive; no message dropout.
#pragma once
#include "baselines/ranking_net.h"

namespace tmf {

nlohmann::json mbgcn_defaults();

class MbgcnImpl : public RankingNetImpl {
 public:
  MbgcnImpl(const nlohmann::json& settings, const RankDims& dims, const BehaviorGraph& graph);
  torch::Tensor loss(const RankInput& in, const torch::Tensor& targets, Rng& rng) override;
  torch::Tensor scores(const RankInput& in) override;  // (B, N)
  // Propagated user (U + 1, D) and item (N + 1, D) vectors, and the query vector of each row
  // (user part + lambda * item-based part) (B, D).
  std::pair<torch::Tensor, torch::Tensor> propagate();
  torch::Tensor query(const RankInput& in, const torch::Tensor& users, const torch::Tensor& items);

  RankDims dims;
  double lambda = 0.5, l2 = 1e-4;
  torch::nn::Embedding user_embeddings{nullptr};  // (U + 1, D)
  torch::nn::Embedding item_embeddings{nullptr};  // (N + 1, D)
  torch::Tensor behavior_weight;                  // (NB)
  torch::nn::ModuleList user_transforms;          // Linear (D, D) per layer, no bias
  torch::nn::ModuleList item_transforms;          // Linear (D, D) per layer, no bias
  torch::nn::ModuleList item_item_transforms;     // M_b: Linear (D, D) per behavior, no bias

 private:
  BehaviorAdjacency adj_;  // per behavior: mean adjacency user->item and item->user
};
TORCH_MODULE(Mbgcn);

}  // namespace tmf
