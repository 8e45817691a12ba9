// The shared trainer of the ranking baselines (GRU4Rec, SASRec, BERT4Rec, MBGCN, MBRec): every
// training example of the split (split.h training_rows: a target-behavior event before the user's
// validation target, with the last L events before it) is one (history, next item) pair; the
// model's own loss (cross-entropy, Cloze or BPR) is minimised with Adam over shuffled mini-batches.
// After each epoch HitRate@1 is measured on the stored validation candidate set (a hit: the truth
// scores strictly highest); the best epoch's weights are kept and training stops after `patience`
// epochs without gain (RecBole's early stopping). Deterministic for a seed on the CPU
// (torch::manual_seed for dropout and init, tmf::Rng for order, masks and negatives).
// Reports stage "train:<kind>" per step and honours cancel (tmf::Cancelled).
#pragma once
#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

#include "baselines/ranking_net.h"
#include "data/dataset.h"
#include "data/split.h"
#include "graph/mbht_config.h"
#include "graph/mbht_rank.h"
#include "optim/fit.h"
#include "util/progress.h"

namespace tmf {

// Dataset ids <-> rows: items and behaviors as MBHT's vocabulary, users 1..U (0 unknown).
struct RankVocab {
  MbhtVocab ids;
  std::vector<int64_t> user_ids;
  int64_t user_row(int64_t user_id) const;  // 0 when unknown
  void build_index();

 private:
  std::unordered_map<int64_t, int64_t> user_index_;
};
RankVocab make_rank_vocab(const Dataset& ds);
RankDims rank_dims(const RankVocab& v, int64_t max_len);

// Rows as model input (on the CPU): the last L events of each history, left-padded.
RankInput encode_rank_input(const RankVocab& v, int64_t max_len, const std::vector<const SplitRow*>& rows);
// The split's training-period events: per user (in id order), every event before the validation
// target (users without one: before the test target; users without either: all events).
void for_each_training_event(const Dataset& ds, const std::string& split,
                             const std::function<void(int64_t user, const Event&)>& fn);
// Their graph: per behavior, the distinct (user row, item row) edges.
BehaviorGraph build_behavior_graph(const Dataset& ds, const RankVocab& v, const std::string& split);

// Epochs, batch size, learning rate, patience, seed and progress stage: FitOptions (optim/fit.h).
struct RankTrainOptions : FitOptions {
  std::string split = "default";
  std::string candidates = "default";
  RankTrainOptions() {
    epochs = 100;
    batch_size = 256;
    learning_rate = 1e-3;
    patience = 10;              // 0: never stop early
    rng_salt = 0x72616e6bull;   // "rank"
    stage = "train:ranking";
  }
};

using RankEpoch = FitEpoch;

struct RankTrainResult : FitResult {
  nlohmann::json summary() const;
};

RankTrainResult train_ranking_net(RankingNetImpl& net, const RankVocab& v, const RankDims& d, const Dataset& ds,
                                  const RankTrainOptions& opts, const Progress& progress = {},
                                  const std::function<void(const RankEpoch&)>& on_epoch = {});

// Per-candidate scores of each row (eval mode, no grad).
std::vector<std::vector<float>> score_ranking_net(RankingNetImpl& net, const RankVocab& v, const RankDims& d,
                                                  const std::vector<const SplitRow*>& rows,
                                                  const std::vector<std::vector<int64_t>>& candidates);
// HitRate@1 on loaded rows (data/evaluation_rows.h), batch by batch.
RankEval evaluate_ranking_net(RankingNetImpl& net, const RankVocab& v, const RankDims& d, const EvaluationRows& rows,
                              int64_t batch_size = 256);

}  // namespace tmf
