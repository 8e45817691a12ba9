// BERT4Rec: Sequential Recommendation with Bidirectional Encoder Representations from Transformer
// (Sun et al., CIKM'19), a baseline of TMF paper Table 2, with RecBole's defaults
// (design/references.md): as SASRec with dropout 0.2, bidirectional attention and the Cloze task
// (mask ratio 0.2).
//   input  e_t = Dropout(LayerNorm(item[i_t] + position[t] + behavior[b_t]))  (paper Eq. 6; the
//          behavior-type embedding is ours)
//   blocks bidirectional self-attention (Eq. 1-5, transformer_encoder.h)
//   output P(v) = softmax(GELU(h W_P + b_P) E^T + b_O)  (Eq. 7: LayerNorm after GELU as RecBole)
// Training (Cloze, §3.6): the sequence is history + target (behavior: target); each history
// position is masked with probability mask_ratio and the target slot always; cross-entropy over
// all items at the masked slots. Inference appends the mask token (with the target behavior)
// after the history and scores that slot.
#pragma once
#include "baselines/ranking_net.h"
#include "baselines/transformer_encoder.h"

namespace tmf {

nlohmann::json bert4rec_defaults();

class Bert4recImpl : public RankingNetImpl {
 public:
  Bert4recImpl(const nlohmann::json& settings, const RankDims& dims);
  // items, behaviors (B, L+1) rows (mask row N+1 allowed), valid (B, L+1) -> logits (B, L+1, N)
  torch::Tensor forward(const torch::Tensor& items, const torch::Tensor& behaviors, const torch::Tensor& valid);
  torch::Tensor loss(const RankInput& in, const torch::Tensor& targets, Rng& rng) override;
  torch::Tensor scores(const RankInput& in) override;  // (B, N)
  int64_t mask_row() const { return dims.n_items + 1; }

  RankDims dims;
  double mask_ratio = 0.2;
  torch::nn::Embedding item_embeddings{nullptr};      // (N + 2, C)
  torch::nn::Embedding position_embeddings{nullptr};  // (L + 1, C)
  torch::nn::Embedding behavior_embeddings{nullptr};  // (NB + 1, C)
  torch::nn::LayerNorm input_layernorm{nullptr};
  torch::nn::Dropout dropout{nullptr};
  TransformerEncoder encoder{nullptr};
  torch::nn::Linear output_dense{nullptr};            // (C, C)
  torch::nn::LayerNorm output_layernorm{nullptr};
  torch::Tensor output_bias;                          // (N)
};
TORCH_MODULE(Bert4rec);

}  // namespace tmf
