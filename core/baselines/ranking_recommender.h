// A ranking baseline (gru4rec, sasrec, bert4rec, mbgcn, mbrec) as a Recommender: settings (the
// kind's published defaults with overrides), the dataset's vocabulary, the network, training with
// the shared trainer (ranking_trainer.h). Saved as DIR/model.safetensors (parameters, keyed by
// module path) + DIR/config.json (kind, settings, vocabulary, split, dataset hash and name,
// training summary). The graph models' adjacency is rebuilt from the dataset and the saved split
// on load (it is a pure function of them).
#pragma once
#include <memory>

#include "baselines/ranking_net.h"
#include "baselines/ranking_trainer.h"
#include "baselines/recommender.h"

namespace tmf {

class RankingRecommender : public Recommender {
 public:
  RankingRecommender(std::string kind, const nlohmann::json& overrides);
  std::string kind() const override { return kind_; }
  nlohmann::json settings() const override { return settings_; }
  nlohmann::json training() const override { return training_; }
  void train(Dataset& ds, const RecTrainOptions& opts, const Progress& progress = {}) override;
  std::vector<std::vector<float>> score(const std::vector<const SplitRow*>& rows,
                                        const std::vector<std::vector<int64_t>>& candidates) override;
  void save(const std::string& dir) const override;
  void load(const std::string& dir, Dataset& ds) override;
  std::string model_hash() const override;

  // Called after every epoch of train() (tests and the CLI print curves).
  std::function<void(const RankEpoch&)> on_epoch;
  RankingNetImpl& net() { return *net_; }

 private:
  void build(const Dataset& ds, const std::string& split, uint64_t seed, const std::string& device);
  std::string kind_;
  nlohmann::json settings_, training_;
  RankVocab vocab_;
  RankDims dims_;
  std::shared_ptr<RankingNetImpl> net_;
  std::string split_ = "default", dataset_hash_, dataset_name_;
};

}  // namespace tmf
