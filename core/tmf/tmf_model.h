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
// Hook for LLaRA (baselines/llara.h): a model built with an ItemTokenSource has no fusion module,
// no adaptors and no behavior tokens (behaviors stay words); its item tokens, for history and
// candidate items alike, are the source's embeddings. Everything else (prompts, padding, answer
// labels, loss, generation, tune_tmf, evaluate_tmf) is shared.
#pragma once
#include <torch/nn/module.h>

#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "fusion/adaptor.h"
#include "fusion/modality_fusion.h"
#include "llm/llama.h"
#include "llm/tokenizer.h"
#include "tmf/tmf_example.h"

namespace tmf {

// The four rows of Table 3.
enum class AblationLevel { Text = 0, Behavior = 1, Amsa = 2, Cma = 3 };
const char* level_name(AblationLevel l);  // "text", "behavior", "amsa", "cma"
AblationLevel parse_level(const std::string& s);
Task hardest_task(AblationLevel l);       // text: easy; behavior: medium; amsa, cma: hard

struct ItemFeatures {
  std::unordered_map<int64_t, int64_t> item_row, behavior_row;  // dataset id -> row
  torch::Tensor image;     // (N, Di)
  torch::Tensor text;      // (N, Dt)
  torch::Tensor graph;     // (N, Dg)
  torch::Tensor behavior;  // (NB, Dg)
  torch::Tensor item_rows(const std::vector<int64_t>& ids) const;      // (len) int64, throws on unknown ids
  torch::Tensor behavior_rows(const std::vector<int64_t>& ids) const;  // (len) int64
  void save(const std::string& path) const;
  static ItemFeatures load(const std::string& path);
};

struct TmfHeadsImpl : torch::nn::Module {
  TmfHeadsImpl(const FusionConfig& fusion_cfg, int64_t hidden_size);
  ModalityFusion fusion{nullptr};
  Adaptor item_adaptor{nullptr};      // (Dc -> C)
  Adaptor behavior_adaptor{nullptr};  // (Dg -> C)
};
TORCH_MODULE(TmfHeads);

// External item tokens (LLaRA: projector(SASRec item embedding)).
struct ItemTokenSource {
  std::function<torch::Tensor(const std::vector<int64_t>& item_ids)> embed;  // -> (n, C)
  std::shared_ptr<torch::nn::Module> module;  // owns embed's trainable parameters (tuned by tune_tmf)
};

// A batch of prompts as input embeddings, left-padded.
struct TmfBatch {
  torch::Tensor embeds;  // (B, T, C)
  torch::Tensor mask;    // (B, T) int64, 1 = token
  torch::Tensor labels;  // (B, T) int64, -100 outside answers (defined when answers were added)
  std::vector<std::vector<int>> prompt_ids;  // token ids of each prompt (placeholders as their ids)
  std::vector<HybridPrompt> prompts;
  FusionOutput fusion;   // of the histories (B, ...), when the level uses item tokens (not with a source)
  std::vector<int64_t> history_len;
};

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
};

}  // namespace tmf
