// SASRec: Self-Attentive Sequential Recommendation (Kang & McAuley, ICDM'18), a baseline of TMF
// paper Table 2, with RecBole's defaults (design/references.md): 2 layers, 2 heads, hidden 64,
// inner 256, dropout 0.5, GELU, LayerNorm eps 1e-12, init std 0.02, causal, cross-entropy over all
// items, Adam 1e-3.
//   input  e_t = Dropout(LayerNorm(item[i_t] + position[t] + behavior[b_t]))   (paper Eq. 2; the
//          behavior-type embedding is ours: the baselines see behavior types where they can)
//   blocks causal self-attention + point-wise feed-forward (Eq. 3-6, transformer_encoder.h)
//   output r_{i,t} = F_t . item[i]  (Eq. 7, item table shared with the input)
// Histories are left-padded so the last slot holds the latest event; its output predicts the next
// target-behavior item. Its item embedding table is also LLaRA's item representation.
#pragma once
#include "baselines/ranking_net.h"
#include "baselines/transformer_encoder.h"

namespace tmf {

nlohmann::json sasrec_defaults();

class SasrecImpl : public RankingNetImpl {
 public:
  SasrecImpl(const nlohmann::json& settings, const RankDims& dims);
  torch::Tensor encode(const RankInput& in);  // sequence outputs (B, L, C)
  torch::Tensor loss(const RankInput& in, const torch::Tensor& targets, Rng& rng) override;
  torch::Tensor scores(const RankInput& in) override;  // (B, N)

  RankDims dims;
  torch::nn::Embedding item_embeddings{nullptr};      // (N + 1, C)
  torch::nn::Embedding position_embeddings{nullptr};  // (L, C)
  torch::nn::Embedding behavior_embeddings{nullptr};  // (NB + 1, C)
  torch::nn::LayerNorm input_layernorm{nullptr};
  torch::nn::Dropout dropout{nullptr};
  TransformerEncoder encoder{nullptr};
};
TORCH_MODULE(Sasrec);

}  // namespace tmf
