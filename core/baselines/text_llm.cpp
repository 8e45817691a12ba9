// text-llm / tmf through the TMF pipeline: train, evaluate (free/constrained/likelihood), score.
#include "baselines/text_llm.h"

#include <filesystem>

#include "baselines/tmf_model_recommending.h"
#include "tmf/tmf_package.h"
#include "train/tmf_pipeline.h"
#include "util/error.h"
#include "util/strings.h"

namespace tmf {

namespace fs = std::filesystem;

nlohmann::json pipeline_llm_defaults() {
  nlohmann::json d = llm_pipeline_defaults();
  d["mbht_epochs"] = 0;  // MBHT stage epochs; 0: the preset's
  d["clip_steps"] = 0;   // item CLIP steps; 0: the preset's
  return d;
}

PipelineLlmRecommender::PipelineLlmRecommender(std::string kind, const nlohmann::json& overrides)
    : kind_(std::move(kind)), settings_(merge_settings(pipeline_llm_defaults(), overrides, kind_)) {
  TMF_CHECK(kind_ == "text-llm" || kind_ == "tmf", "pipeline LLM kind must be text-llm or tmf, got ", kind_);
  llm_pipeline_options(settings_, kind_);  // checks the preset
}

PipelineLlmRecommender::~PipelineLlmRecommender() = default;

void PipelineLlmRecommender::train(Dataset& ds, const RecTrainOptions& opts, const Progress& progress) {
  TMF_CHECK(!opts.work_dir.empty(), kind_, ": training needs a work directory for the pipeline's stages");
  PipelineOptions po = llm_pipeline_options(settings_, kind_);
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
  return package_hash(package_dir_);
}

std::vector<std::vector<float>> PipelineLlmRecommender::score(const std::vector<const SplitRow*>& rows,
                                                              const std::vector<std::vector<int64_t>>& candidates) {
  TMF_CHECK(pkg_, kind_, ": the model is neither trained nor loaded");
  return score_with_tmf_model(pkg_->model, target_behavior_, rows, candidates);
}

RecEvalResult PipelineLlmRecommender::evaluate(const Dataset& ds, const RecEvalOptions& o, const Progress& progress) {
  TMF_CHECK(pkg_, kind_, ": the model is neither trained nor loaded");
  return evaluate_with_tmf_model(pkg_->model, target_behavior_, ds, o, settings_, progress);
}

}  // namespace tmf
