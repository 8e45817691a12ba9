// MostPop (RecBole's "Pop"): scores every candidate by how often it occurs in the training period
// of the split (ranking_trainer.h for_each_training_event). Not one of the paper's Table 2 models:
// the reference row that tells how much of a model's HitRate@1 the item popularity alone explains,
// since the stored candidate sets draw their negatives uniformly from unseen items.
// Settings: behaviors = "all" (every event counts, as RecBole's Pop) or "target" (only events of
// the dataset's target behavior). Saved as DIR/model.safetensors (item_counts, one per item row)
// + DIR/config.json (kind, settings, item ids, split, dataset hash and name, training summary).
#pragma once
#include <vector>

#include "baselines/recommender.h"

namespace tmf {

nlohmann::json most_pop_defaults();

class MostPopRecommender : public Recommender {
 public:
  explicit MostPopRecommender(const nlohmann::json& overrides);
  std::string kind() const override { return "pop"; }
  nlohmann::json settings() const override { return settings_; }
  nlohmann::json training() const override { return training_; }
  void train(Dataset& ds, const RecTrainOptions& opts, const Progress& progress = {}) override;
  std::vector<std::vector<float>> score(const std::vector<const SplitRow*>& rows,
                                        const std::vector<std::vector<int64_t>>& candidates) override;
  void save(const std::string& dir) const override;
  void load(const std::string& dir, Dataset& ds) override;
  std::string model_hash() const override;

 private:
  nlohmann::json settings_, training_;
  std::vector<int64_t> item_ids_;   // item row -> dataset item id (sorted)
  std::vector<float> counts_;       // item row -> occurrences in the training period
  std::string split_ = "default", dataset_hash_, dataset_name_;
};

}  // namespace tmf
