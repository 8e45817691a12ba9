// Evaluation and candidate scoring of TmfModel-based recommenders.
#include "baselines/tmf_model_recommending.h"

#include "eval/tmf_eval.h"
#include "graph/mbht_rank.h"
#include "tmf/answer_decoding.h"
#include "util/error.h"

namespace tmf {

nlohmann::json llm_pipeline_defaults() {
  return {
      {"preset", "default"},     // "default" (PipelineOptions()), "demo" or "tiny" (PipelineOptions::demo()/tiny())
      {"tune_steps", 0},         // curriculum tuning steps T; 0: the preset's
      {"tune_batch", 0},         // examples per tuning batch; 0: the preset's
      {"tune_lr", 0.0},          // peak tuning learning rate; 0: the preset's
      {"backbone_steps", 0},     // backbone warm-up steps; 0: the preset's
      {"backbone_prompts", 0},   // text-only prompts in the warm-up corpus; 0: the preset's
      {"backbone_lr", 0.0},      // warm-up learning rate; 0: the preset's
      {"eval_batch", 16},        // prompts per free-decoding batch
      {"max_new_tokens", 48},    // free decoding
  };
}

PipelineOptions llm_pipeline_options(const nlohmann::json& s, const std::string& kind) {
  PipelineOptions po;
  try {
    po = PipelineOptions::preset(s.at("preset").get<std::string>());
  } catch (const Error& e) {
    fail(kind, ": setting 'preset': ", e.what());
  }
  if (int64_t v = s.at("tune_steps").get<int64_t>()) po.tune.steps = v;
  if (int64_t v = s.at("tune_batch").get<int64_t>()) po.tune.batch = v;
  if (double v = s.at("tune_lr").get<double>()) po.tune.lr = v;
  if (int64_t v = s.at("backbone_steps").get<int64_t>()) po.backbone.steps = v;
  if (int v = s.at("backbone_prompts").get<int>()) po.backbone.prompts = v;
  if (double v = s.at("backbone_lr").get<double>()) po.backbone.lr = v;
  return po;
}

RecEvalResult evaluate_with_tmf_model(TmfModel& model, int64_t target_behavior, const Dataset& ds,
                                      const RecEvalOptions& o, const nlohmann::json& settings,
                                      const Progress& progress) {
  const EvaluationRows rows = load_evaluation_rows(ds, o.split, o.candidates, o.part, o.limit);
  std::vector<TmfExample> examples;
  for (size_t i = 0; i < rows.size(); ++i) examples.push_back(example_of(rows.rows[i], rows.candidates[i], target_behavior));
  EvalOptions eo;
  eo.decode = o.decode;
  eo.batch = settings.at("eval_batch").get<int64_t>();
  eo.max_new_tokens = settings.at("max_new_tokens").get<int64_t>();
  EvalResult r = evaluate_tmf(model, examples, eo, progress);
  return {r.stats, r.seconds};
}

std::vector<std::vector<float>> score_with_tmf_model(TmfModel& m, int64_t target_behavior,
                                                     const std::vector<const SplitRow*>& rows,
                                                     const std::vector<std::vector<int64_t>>& candidates) {
  TMF_CHECK(rows.size() == candidates.size(), "score: ", rows.size(), " rows but ", candidates.size(), " candidate lists");
  torch::NoGradGuard ng;
  m.llm()->eval();
  m.set_heads_training(false);
  DecodeOptions so;
  so.mode = DecodeMode::Likelihood;
  std::vector<std::vector<float>> out;
  for (size_t i = 0; i < rows.size(); ++i) {
    CandidateRow cr;
    cr.items = candidates[i];
    cr.truth_pos = 0;
    TmfExample ex = example_of(*rows[i], cr, target_behavior);
    ex.truth = -1;
    TmfBatch b = m.build({ex}, hardest_task(m.level()), {0}, /*with_answer=*/false);
    std::vector<float> s;
    // Held in a local: a range-for over decode_answers(...)[0].scores would read the vector after
    // the temporary that owns it is destroyed (the first score came back as garbage).
    const std::vector<AnswerChoice> choice = decode_answers(m, b, {ex}, so);
    for (const auto& c : choice[0].scores) s.push_back(float(c.sum_logprob));
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace tmf
