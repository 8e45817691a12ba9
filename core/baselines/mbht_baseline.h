// MBHT (Yang et al., KDD'22) as a Table 2 baseline: the Recommender adapter over core/graph
// (create_mbht / train_mbht / score_candidates / save_mbht / load_mbht). Settings are MbhtConfig's
// (design/references.md: 2 layers, 2 heads, hidden 64, inner 256, dropout 0.5, Cloze 0.2) plus
// the training loop's (Adam 1e-3, batch 64, early stopping after 10 epochs without validation gain).
// The model directory is exactly `tmf mbht train`'s.
#pragma once
#include "baselines/recommender.h"
#include "graph/mbht_model.h"

namespace tmf {

nlohmann::json mbht_baseline_defaults();

class MbhtRecommender : public Recommender {
 public:
  explicit MbhtRecommender(const nlohmann::json& overrides);
  std::string kind() const override { return "mbht"; }
  nlohmann::json settings() const override { return settings_; }
  nlohmann::json training() const override { return model_.training; }
  void train(Dataset& ds, const RecTrainOptions& opts, const Progress& progress = {}) override;
  std::vector<std::vector<float>> score(const std::vector<const SplitRow*>& rows,
                                        const std::vector<std::vector<int64_t>>& candidates) override;
  void save(const std::string& dir) const override;
  void load(const std::string& dir, Dataset& ds) override;
  std::string model_hash() const override;
  const MbhtModel& model() const { return model_; }

 private:
  nlohmann::json settings_;
  MbhtModel model_;
};

}  // namespace tmf
