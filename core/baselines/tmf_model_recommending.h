// Recommender plumbing shared by the LLM baselines built on a TmfModel (text-llm and tmf in
// text_llm.h, LLaRA in llara.h): evaluation on a stored candidate set through evaluate_tmf
// (eval/tmf_eval.h: free, constrained or likelihood decoding of the model's hardest prompts) and
// candidate scores as the summed log-likelihood of each candidate's name (+ EOS) after the prompt;
// their pipeline sizes from their settings.
#pragma once
#include <vector>

#include "baselines/recommender.h"
#include "tmf/tmf_model.h"
#include "train/tmf_pipeline.h"

namespace tmf {

// The pipeline settings every LLM baseline takes, with their defaults (0: the preset's).
nlohmann::json llm_pipeline_defaults();
// PipelineOptions::preset(settings "preset") with the settings' overrides.
PipelineOptions llm_pipeline_options(const nlohmann::json& settings, const std::string& kind);

// Settings read: eval_batch (prompts per free-decoding batch), max_new_tokens.
RecEvalResult evaluate_with_tmf_model(TmfModel& model, int64_t target_behavior, const Dataset& ds,
                                      const RecEvalOptions& opts, const nlohmann::json& settings,
                                      const Progress& progress = {});

std::vector<std::vector<float>> score_with_tmf_model(TmfModel& model, int64_t target_behavior,
                                                     const std::vector<const SplitRow*>& rows,
                                                     const std::vector<std::vector<int64_t>>& candidates);

}  // namespace tmf
