// MBRec: Multi-Behavior Graph Neural Networks for Recommender System (Xia et al., IEEE TNNLS 2022),
// a graph multi-behavior baseline of TMF paper Table 2 (design/references.md). Per layer l, for
// users (and, with the same layer, for items):
//   messages        m_{u,b} = mean_{i in N_b(u)} i^l                           per behavior b
//   memory attention h_{u,b} = sum_k eta_{u,b,k} (m_{u,b} W_k),
//                    eta_{u,b} = softmax_k(m_{u,b} . key_k + c_{b,k})        (paper §III-B, Eq. 2-3)
//   cross-behavior  H'_u = H_u + MultiHeadSelfAttention over the behaviors of u  (§III-C, Eq. 4-6)
//   gated aggregation u^{l+1} = sum_b g_{u,b} H'_{u,b},  g_u = softmax_b(v . tanh(W_g H'_{u,b}))  (Eq. 7)
// final vectors: mean over the layers 0..K (the paper concatenates them); score u* . i*; pairwise
// (BPR) loss with one sampled negative per positive (§III-E).
// Transductive like the paper: a user absent from the training graph (row 0) gets what the layers
// make of empty messages, the same vector for every such user.
// The graph holds every event before each user's validation target (ranking_net.h BehaviorGraph).
#pragma once
#include "baselines/ranking_net.h"

namespace tmf {

nlohmann::json mbrec_defaults();

struct MbrecLayerImpl : torch::nn::Module {
  MbrecLayerImpl(int64_t D, int64_t n_behaviors, int64_t memory, int64_t heads);
  // messages (n, NB, D) -> aggregated (n, D)
  torch::Tensor forward(const torch::Tensor& messages);

  int64_t heads = 2;
  torch::Tensor memory_weights;  // (K, D, D)
  torch::Tensor memory_keys;     // (K, D)
  torch::Tensor behavior_bias;   // (NB, K)
  torch::nn::Linear q_proj{nullptr}, k_proj{nullptr}, v_proj{nullptr};  // (D, D)
  torch::nn::Linear gate_proj{nullptr};  // (D, D)
  torch::Tensor gate_vector;     // (D)
};
TORCH_MODULE(MbrecLayer);

class MbrecImpl : public RankingNetImpl {
 public:
  MbrecImpl(const nlohmann::json& settings, const RankDims& dims, const BehaviorGraph& graph);
  torch::Tensor loss(const RankInput& in, const torch::Tensor& targets, Rng& rng) override;
  torch::Tensor scores(const RankInput& in) override;  // (B, N)
  std::pair<torch::Tensor, torch::Tensor> propagate();  // users (U+1, D), items (N+1, D)

  RankDims dims;
  double l2 = 1e-4;
  torch::nn::Embedding user_embeddings{nullptr};  // (U + 1, D)
  torch::nn::Embedding item_embeddings{nullptr};  // (N + 1, D)
  torch::nn::ModuleList layers;                   // MbrecLayer x K

 private:
  BehaviorAdjacency adj_;  // per behavior: mean adjacency user->item and item->user
};
TORCH_MODULE(Mbrec);

}  // namespace tmf
