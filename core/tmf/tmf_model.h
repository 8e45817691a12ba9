// The TMF model (paper §4, Fig. 1): a Llama backbone with LoRA, the modality fusion module
// (fusion/modality_fusion.h, Eq. 5-8) and two adaptors that turn fused item vectors and graph
// behavior embeddings into the input embeddings of the [MT_i] / [MT_b] placeholders of hybrid
// prompts (prompt/hybrid_prompt.h). Losses are on the answer tokens only (Eq. 9-11).
//
// Item features are fixed inputs (frozen encoders, paper Fig. 1): image and text from CLIP, graph
// from MBHT, one row per dataset item, plus the graph behavior embeddings.
// Candidates get item tokens too (Fig. 3c). They are not part of the user's sequence, so each one
// goes through the fusion module as a sequence of its own (its AMSA/CMA weights are trivially 1):
// the same parameters map its three modalities into the token space as for history items.
//
// Hook for LLaRA (baselines/llara.h): a model built with an ItemTokenSource (tmf/item_token_source.h)
// has no fusion module, no adaptors and no behavior tokens (behaviors stay words). Everything else
// (prompts, padding, answer labels, loss, generation, tune_tmf, evaluate_tmf) is shared.
// Parts: ablation_level.h (Table 3 rows), item_features.h (frozen inputs), tmf_heads.h (fusion +
// adaptors), tmf_batch.h (prompt batch assembly: build() is defined in tmf_batch.cpp).
#pragma once
#include <torch/nn/module.h>

#include <string>
#include <vector>

#include "llm/llama.h"
#include "llm/tokenizer.h"
#include "tmf/ablation_level.h"
#include "tmf/item_features.h"
#include "tmf/item_token_source.h"
#include "tmf/tmf_batch.h"
#include "tmf/tmf_example.h"
#include "tmf/tmf_heads.h"

namespace tmf {

class TmfModel {
 public:
  TmfModel(Llama llm, Tokenizer tok, ItemFeatures features, NameBook names, AblationLevel level, int64_t fusion_heads);
  // Item tokens from `items`, no behavior tokens, no heads (heads() is null); hard prompts are its
  // hybrid prompts (level() reports Cma).
  TmfModel(Llama llm, Tokenizer tok, NameBook names, ItemTokenSource items);

  // Embeddings of the prompts of `examples` at `task` with the given templates; with answers, the
  // truth's name and EOS follow each prompt and `labels` marks them.
  TmfBatch build(const std::vector<TmfExample>& examples, Task task, const std::vector<int>& templates, bool with_answer);
  torch::Tensor loss(const TmfBatch& batch);  // mean cross-entropy over answer tokens
  // Greedy answers (decoded text) of a built batch (without answers).
  std::vector<std::string> generate(const TmfBatch& batch, int64_t max_new_tokens = 48);

  Llama& llm() { return llm_; }
  TmfHeads& heads() { return heads_; }  // null with an ItemTokenSource
  const ItemTokenSource& item_source() const { return item_source_; }  // embed empty: TMF's heads
  // The modules tuned besides the backbone's LoRA: the heads, or the item source's module.
  std::vector<torch::Tensor> head_parameters() const;
  void set_heads_training(bool on);
  Tokenizer& tokenizer() { return tok_; }
  const ItemFeatures& features() const { return features_; }
  const NameBook& names() const { return names_; }
  // For inference with items that are not in the dataset (tmf/inference.h adds their rows/names).
  ItemFeatures& mutable_features() { return features_; }
  NameBook& mutable_names() { return names_; }
  AblationLevel level() const { return level_; }
  // Prompts (and the fusion module) see at most the last `n` history steps (0 = all): long
  // histories make prompts slow and dilute what a small backbone can attend to.
  void set_max_history(int64_t n) { max_history_ = n; }
  int64_t max_history() const { return max_history_; }
  // Candidates are written with their kind first (PromptInput::candidate_kinds) and the answer
  // takes the same form, "Wall Charger: Pixelon Rapid WB976 Wall Charger": the kind is what the
  // history predicts, and the name then follows by copying it from the list. The answer still
  // names the item (free answers are matched by name, prompt/answer_match.h). Off by default.
  void set_candidate_kinds(bool on) { candidate_kinds_ = on; }
  bool candidate_kinds() const { return candidate_kinds_; }
  // Candidates' item tokens: the fusion module over (the user's history, the candidate), the
  // candidate's row (on), or over the candidate alone (off: its attention is trivially 1).
  void set_candidates_in_context(bool on) { candidates_in_context_ = on; }
  bool candidates_in_context() const { return candidates_in_context_; }
  // FusionConfig::residual of the fusion module (no effect with an item token source).
  void set_fusion_residual(bool on);
  bool fusion_residual() const;
  void set_fusion_unit_inputs(bool on);  // FusionConfig::unit_inputs
  bool fusion_unit_inputs() const;
  // Candidates' item tokens before their names ("[MT_i] Kind: Name") instead of after them
  // (PromptInput::item_token_first).
  void set_item_token_first(bool on) { item_token_first_ = on; }
  bool item_token_first() const { return item_token_first_; }
  // What the model answers for `item`: its name, or "kind: name" with candidate kinds.
  std::string answer_text(int64_t item) const;
  int item_token() const { return item_token_; }
  int behavior_token() const { return behavior_token_; }
  std::vector<int64_t> banned_ids() const;
  void to(torch::Device device);
  torch::Device device() const;

 private:
  Llama llm_;
  Tokenizer tok_;
  ItemFeatures features_;
  NameBook names_;
  AblationLevel level_;
  TmfHeads heads_{nullptr};
  ItemTokenSource item_source_;
  bool behavior_tokens_ = true;
  int item_token_ = -1, behavior_token_ = -1;
  int64_t max_history_ = 0;
  bool candidate_kinds_ = false;
  bool candidates_in_context_ = false;
  bool item_token_first_ = false;
};

}  // namespace tmf
