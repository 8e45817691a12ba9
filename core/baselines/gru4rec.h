// GRU4Rec: Session-based Recommendations with Recurrent Neural Networks (Hidasi et al., ICLR'16), a
// baseline of TMF paper Table 2, with RecBole's defaults (design/references.md): embedding 64, GRU
// hidden 128, 1 layer, dropout 0.3 on the input embeddings, cross-entropy over all items, Adam 1e-3.
//   input  x_t = Dropout(item[i_t] + behavior[b_t])  (the behavior-type embedding is ours)
//   GRU    h_t = GRU(x_t, h_{t-1})                   (paper §3.1, Eq. 1-4)
//   output s = dense(h_L) . item^T                   (RecBole: dense 128 -> 64, item table shared)
// Histories are left-padded (padding rows are zero vectors), so the final state is the one after
// the latest event.
#pragma once
#include "baselines/ranking_net.h"

namespace tmf {

nlohmann::json gru4rec_defaults();

class Gru4recImpl : public RankingNetImpl {
 public:
  Gru4recImpl(const nlohmann::json& settings, const RankDims& dims);
  torch::Tensor loss(const RankInput& in, const torch::Tensor& targets, Rng& rng) override;
  torch::Tensor scores(const RankInput& in) override;  // (B, N)

  RankDims dims;
  bool use_behaviors = true;
  torch::nn::Embedding item_embeddings{nullptr};      // (N + 1, E)
  torch::nn::Embedding behavior_embeddings{nullptr};  // (NB + 1, E)
  torch::nn::Dropout emb_dropout{nullptr};
  torch::nn::GRU gru{nullptr};                        // E -> Hd
  torch::nn::Linear dense{nullptr};                   // (Hd, E)
};
TORCH_MODULE(Gru4rec);

}  // namespace tmf
