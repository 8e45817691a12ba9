// text-llm / tmf through the TMF pipeline: train, evaluate (free/constrained/likelihood), score.
#include "baselines/text_llm.h"

#include <filesystem>

#include "data/candidates.h"
#include "eval/tmf_eval.h"
#include "graph/mbht_rank.h"
#include "llm/candidate_decoding.h"
#include "tmf/tmf_package.h"
#include "train/tmf_pipeline.h"
#include "util/error.h"
#include "util/sha256.h"
#include "util/strings.h"

namespace tmf {

namespace fs = std::filesystem;

nlohmann::json pipeline_llm_defaults() {
  return {
      {"preset", "default"},     // "default" (PipelineOptions()) or "tiny" (PipelineOptions::tiny())
      {"tune_steps", 0},         // curriculum tuning steps T; 0: the preset's
      {"backbone_steps", 0},     // backbone warm-up steps; 0: the preset's
      {"mbht_epochs", 0},        // MBHT stage epochs; 0: the preset's
      {"clip_steps", 0},         // item CLIP steps; 0: the preset's
      {"eval_batch", 16},        // prompts per free-decoding batch
      {"max_new_tokens", 48},    // free decoding
  };
}

PipelineLlmRecommender::PipelineLlmRecommender(std::string kind, const nlohmann::json& overrides)
    : kind_(std::move(kind)), settings_(merge_settings(pipeline_llm_defaults(), overrides, kind_)) {
  TMF_CHECK(kind_ == "text-llm" || kind_ == "tmf", "pipeline LLM kind must be text-llm or tmf, got ", kind_);
  const std::string p = settings_.at("preset").get<std::string>();
  TMF_CHECK(p == "default" || p == "tiny", kind_, ": preset must be default or tiny, got '", p, "'");
}

PipelineLlmRecommender::~PipelineLlmRecommender() = default;

void PipelineLlmRecommender::train(Dataset& ds, const RecTrainOptions& opts, const Progress& progress) {
  TMF_CHECK(!opts.work_dir.empty(), kind_, ": training needs a work directory for the pipeline's stages");
  PipelineOptions po = settings_.at("preset") == "tiny" ? PipelineOptions::tiny() : PipelineOptions();
  if (int64_t v = settings_.at("tune_steps").get<int64_t>()) po.tune.steps = v;
  if (int64_t v = settings_.at("backbone_steps").get<int64_t>()) po.backbone.steps = v;
  if (int64_t v = settings_.at("mbht_epochs").get<int64_t>()) po.mbht_epochs = v;
  if (int64_t v = settings_.at("clip_steps").get<int64_t>()) po.encoders.steps = v;
  po.level = kind_ == "text-llm" ? AblationLevel::Text : AblationLevel::Cma;
  po.split = opts.split;
  po.candidates = opts.candidates;
  po.seed = opts.seed;
  po.device = opts.device;
  po.stages_dir = opts.work_dir + "/stages-seed" + std::to_string(opts.seed);
  const std::string out = opts.work_dir + "/" + kind_ + "-seed" + std::to_string(opts.seed);
  fs::remove_all(out);  // the package is rebuilt; the shared stages are reused
  PipelineResult r = train_pipeline(ds, out, po, progress);
  training_ = {{"split", opts.split},           {"seed", opts.seed},
               {"tune_steps", po.tune.steps},   {"backbone_steps", po.backbone.steps},
               {"seconds", r.seconds},          {"final_tune_loss", r.tune_losses.empty() ? 0.0 : r.tune_losses.back()},
               {"package", out}};
  load(out, ds);
}

void PipelineLlmRecommender::load(const std::string& dir, Dataset& ds) {
  pkg_ = std::make_unique<LoadedPackage>(load_package(dir, NameBook::of(ds), "cpu", &ds));
  const AblationLevel want = kind_ == "text-llm" ? AblationLevel::Text : AblationLevel::Cma;
  TMF_CHECK(pkg_->model.level() == want, dir, " is a TMF package at level ", level_name(pkg_->model.level()), ", not ",
            level_name(want), " (", kind_, ")");
  package_dir_ = dir;
  target_behavior_ = ds.target_behavior().id;
  if (training_.is_null()) training_ = pkg_->info.settings;
}

void PipelineLlmRecommender::save(const std::string& dir) const {
  TMF_CHECK(pkg_, kind_, ": nothing to save (train or load first)");
  if (fs::weakly_canonical(dir) == fs::weakly_canonical(package_dir_)) return;
  fs::remove_all(dir);
  fs::create_directories(fs::path(dir).parent_path().empty() ? fs::path(".") : fs::path(dir).parent_path());
  fs::copy(package_dir_, dir, fs::copy_options::recursive);
}

std::string PipelineLlmRecommender::model_hash() const {
  TMF_CHECK(pkg_, kind_, ": no model");
  return sha256_hex(read_file(package_dir_ + "/tmf.json") + read_file(package_dir_ + "/heads.safetensors"));
}

std::vector<std::vector<float>> PipelineLlmRecommender::score(const std::vector<const SplitRow*>& rows,
                                                              const std::vector<std::vector<int64_t>>& candidates) {
  TMF_CHECK(pkg_, kind_, ": the model is neither trained nor loaded");
  TMF_CHECK(rows.size() == candidates.size(), "score: ", rows.size(), " rows but ", candidates.size(), " candidate lists");
  TmfModel& m = pkg_->model;
  torch::NoGradGuard ng;
  m.llm()->eval();
  m.heads()->eval();
  ScoreOptions so;
  so.append_eos = true;
  so.eos_id = m.tokenizer().eos_id();
  std::vector<std::vector<float>> out;
  for (size_t i = 0; i < rows.size(); ++i) {
    CandidateRow cr;
    cr.items = candidates[i];
    cr.truth_pos = 0;
    TmfExample ex = example_of(*rows[i], cr, target_behavior_);
    ex.truth = -1;
    TmfBatch b = m.build({ex}, hardest_task(m.level()), {0}, /*with_answer=*/false);
    std::vector<std::vector<int64_t>> ids;
    for (int64_t c : candidates[i]) {
      auto t = m.tokenizer().encode(m.names().item(c));
      ids.emplace_back(t.begin(), t.end());
    }
    std::vector<float> s;
    for (const auto& c : score_candidates(*m.llm(), Prompt::from_embeds(b.embeds), ids, so))
      s.push_back(float(c.sum_logprob));
    out.push_back(std::move(s));
  }
  return out;
}

RecEvalResult PipelineLlmRecommender::evaluate(const Dataset& ds, const RecEvalOptions& o, const Progress& progress) {
  TMF_CHECK(pkg_, kind_, ": the model is neither trained nor loaded");
  RankRows rows = load_rank_rows(ds, o.split, o.candidates, o.part);
  std::vector<TmfExample> examples;
  for (size_t i = 0; i < rows.rows.size(); ++i) {
    if (rows.rows[i].history.empty()) continue;
    examples.push_back(example_of(rows.rows[i], rows.candidates[i], target_behavior_));
    if (o.limit > 0 && int64_t(examples.size()) >= o.limit) break;
  }
  EvalOptions eo;
  eo.decode = o.decode;
  eo.batch = settings_.at("eval_batch").get<int64_t>();
  eo.max_new_tokens = settings_.at("max_new_tokens").get<int64_t>();
  EvalResult r = evaluate_tmf(pkg_->model, examples, eo, progress);
  return {r.stats, r.seconds};
}

}  // namespace tmf
