// LLaRA: Large Language-Recommendation Assistant (Liao et al., SIGIR'24), a baseline of TMF paper
// Table 2 (design/references.md). Hybrid prompts: every item title in the history and among the
// candidates is followed by an item token whose input embedding is
//   projector(sasrec_item_embedding(item)),  projector = Linear(64 -> C) -> GELU -> Linear(C -> C)
// (fusion/adaptor.h), from a SASRec (sasrec.h) trained on the same split and seed and then frozen.
// Prompts are TMF's hybrid prompts (prompt/hybrid_prompt.h) without behavior tokens: behaviors
// stay in the text, items get [MT_i]. The backbone is TMF's (the pipeline's backbone stage of the
// same seed, built when missing); LoRA as TMF's pipeline (r 8, alpha 32 on q,k,v,o,gate,up,down).
// The model is a TmfModel with an ItemTokenSource (tmf/tmf_model.h): TMF's prompts, answer labels,
// loss and decoding, with the projector's outputs as item tokens and no behavior tokens.
// Curriculum (LLaRA's): at step s of T a batch is hybrid with probability s / T, else text-only
// (TMF's easy prompt); the loss is on the answer tokens. Tuned by TMF's tuner (train/tmf_tuning.h,
// CurriculumKind::Llara: Adam, warm-up then cosine to lr/100). Evaluation uses hybrid prompts
// through evaluate_tmf: free decoding (ValidRatio from answer matching), constrained or likelihood
// decoding; score() is the summed log-likelihood of each candidate name (+ EOS).
// Saved as DIR/backbone (HF layout), DIR/llara.safetensors (every backbone and LoRA parameter and
// the projector, keyed by module path), DIR/tokenizer.model, DIR/sasrec (ranking_recommender.h) and
// DIR/config.json.
#pragma once
#include <memory>

#include "baselines/recommender.h"

namespace tmf {

nlohmann::json llara_defaults();

struct LlaraState;  // torch side (llara.cpp)

class LlaraRecommender : public Recommender {
 public:
  explicit LlaraRecommender(const nlohmann::json& overrides);
  ~LlaraRecommender() override;
  std::string kind() const override { return "llara"; }
  bool is_ranking() const override { return false; }
  nlohmann::json settings() const override { return settings_; }
  nlohmann::json training() const override { return training_; }
  void train(Dataset& ds, const RecTrainOptions& opts, const Progress& progress = {}) override;
  std::vector<std::vector<float>> score(const std::vector<const SplitRow*>& rows,
                                        const std::vector<std::vector<int64_t>>& candidates) override;
  RecEvalResult evaluate(const Dataset& ds, const RecEvalOptions& opts, const Progress& progress = {}) override;
  void save(const std::string& dir) const override;
  void load(const std::string& dir, Dataset& ds) override;
  std::string model_hash() const override;

 private:
  nlohmann::json settings_, training_;
  std::unique_ptr<LlaraState> st_;
};

}  // namespace tmf
