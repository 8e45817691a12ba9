// MBHT as a Recommender (adapter over core/graph).
#include "baselines/mbht_baseline.h"

#include "graph/mbht_rank.h"
#include "graph/mbht_train.h"
#include "util/error.h"

namespace tmf {

nlohmann::json mbht_baseline_defaults() {
  nlohmann::json j = mbht_config_to_json(MbhtConfig{});  // the published architecture
  for (const char* k : {"n_items", "n_behaviors", "target_behavior"}) j.erase(k);  // from the dataset
  const MbhtTrainOptions t;
  j["epochs"] = t.epochs;               // upper bound; early stopping decides
  j["batch_size"] = t.batch_size;       // Cloze sequences per step
  j["learning_rate"] = t.learning_rate; // Adam
  j["patience"] = t.patience;           // epochs without validation gain
  return j;
}

MbhtRecommender::MbhtRecommender(const nlohmann::json& overrides)
    : settings_(merge_settings(mbht_baseline_defaults(), overrides, "mbht")) {}

void MbhtRecommender::train(Dataset& ds, const RecTrainOptions& opts, const Progress& progress) {
  nlohmann::json c = settings_;
  c["n_items"] = 1;  // placeholders: create_mbht fills them from the dataset
  c["n_behaviors"] = 1;
  c["target_behavior"] = 1;
  model_ = create_mbht(ds, mbht_config_from_json(c, "mbht settings"), opts.seed, opts.device);
  MbhtTrainOptions t;
  t.split = opts.split;
  t.candidates = opts.candidates;
  t.seed = opts.seed;
  t.epochs = settings_.at("epochs").get<int64_t>();
  t.batch_size = settings_.at("batch_size").get<int64_t>();
  t.learning_rate = settings_.at("learning_rate").get<double>();
  t.patience = settings_.at("patience").get<int64_t>();
  train_mbht(model_, ds, t, progress);
}

std::vector<std::vector<float>> MbhtRecommender::score(const std::vector<const SplitRow*>& rows,
                                                       const std::vector<std::vector<int64_t>>& candidates) {
  TMF_CHECK(model_.module, "mbht: the model is neither trained nor loaded");
  std::vector<const std::vector<Event>*> hs;
  for (const SplitRow* r : rows) hs.push_back(&r->history);
  return score_candidates(model_, hs, candidates);
}

void MbhtRecommender::save(const std::string& dir) const {
  TMF_CHECK(model_.module, "mbht: nothing to save (train or load first)");
  save_mbht(model_, dir);
}

void MbhtRecommender::load(const std::string& dir, Dataset& ds) {
  model_ = load_mbht(dir, ds);
  nlohmann::json c = mbht_config_to_json(model_.config);
  for (const char* k : {"n_items", "n_behaviors", "target_behavior"}) c.erase(k);
  for (auto& [k, v] : c.items()) settings_[k] = v;
}

std::string MbhtRecommender::model_hash() const {
  TMF_CHECK(model_.module, "mbht: no model");
  return mbht_version(model_);
}

}  // namespace tmf
