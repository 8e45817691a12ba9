// LLM recommenders trained by the TMF pipeline (train/tmf_pipeline.h) as Recommenders:
//   text-llm  the fine-tuned LLM with text-only prompts, a baseline of TMF paper Table 2 (LLaRA's
//             text-only variant; TMF's AblationLevel::Text, Table 3 row 1): the same backbone, LoRA
//             and curriculum tuner as TMF, capped at the easy (text-only) task
//   tmf       TMF itself (AblationLevel::Cma), so that `tmf bench quality` treats every row alike.
// Training runs train_pipeline into <work_dir>/<kind>-seed<S>, with the backbone/encoder/MBHT stages
// shared by every level of that seed in <work_dir>/stages-seed<S> (reused when present).
// evaluate() decodes as evaluate_tmf (free: ValidRatio from answer matching; constrained and
// likelihood: always valid); score() is the summed log-likelihood of each candidate's name (+ EOS)
// after the prompt. Saved as a TMF package (tmf/tmf_package.h).
#pragma once
#include <memory>

#include "baselines/recommender.h"

namespace tmf {

struct LoadedPackage;

nlohmann::json pipeline_llm_defaults();

class PipelineLlmRecommender : public Recommender {
 public:
  PipelineLlmRecommender(std::string kind, const nlohmann::json& overrides);  // kind: text-llm | tmf
  ~PipelineLlmRecommender() override;
  std::string kind() const override { return kind_; }
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
  std::string kind_, package_dir_;
  nlohmann::json settings_, training_;
  std::unique_ptr<LoadedPackage> pkg_;
  int64_t target_behavior_ = 0;
};

}  // namespace tmf
