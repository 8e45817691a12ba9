// The torch side shared by the ranking baselines (GRU4Rec, SASRec, BERT4Rec, MBGCN, MBRec): the
// input of a batch (user rows and left-padded histories), the sizes of a dataset's vocabulary, the
// multi-behavior user-item graph of a split, and the abstract network every ranking baseline
// implements (a training loss and scores over all items). Trained by ranking_trainer.h, wrapped as
// a Recommender by ranking_recommender.h.
// Rows: item 0 pad, 1..N items (N+1 a mask token where a model needs one); behavior 0 pad, 1..NB;
// user 0 unknown, 1..U.
#pragma once
#include <torch/torch.h>

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace tmf {

class Rng;

struct RankDims {
  int64_t n_items = 0, n_behaviors = 0, n_users = 0;
  int64_t target_behavior = 1;  // behavior row of the target behavior
  int64_t max_len = 20;         // L: history events seen (the last L)
};

struct RankInput {
  torch::Tensor users;      // (B) int64 user rows, 0 = unknown
  torch::Tensor items;      // (B, L) int64 item rows, left-padded
  torch::Tensor behaviors;  // (B, L) int64 behavior rows
  torch::Tensor valid;      // (B, L) bool
  RankInput to(const torch::Device& d) const { return {users.to(d), items.to(d), behaviors.to(d), valid.to(d)}; }
  RankInput index(const torch::Tensor& idx) const {
    return {users.index_select(0, idx), items.index_select(0, idx), behaviors.index_select(0, idx),
            valid.index_select(0, idx)};
  }
};

// The user-item interactions of a split's training period (every event before each user's
// validation target), one edge list per behavior; duplicates removed.
struct BehaviorGraph {
  std::vector<torch::Tensor> users;  // per behavior row-1: (E_b) int64 user rows
  std::vector<torch::Tensor> items;  // per behavior row-1: (E_b) int64 item rows
};

// Row-normalised sparse adjacency (rows x cols) of an edge list: each row averages its neighbours.
torch::Tensor mean_adjacency(const torch::Tensor& rows, const torch::Tensor& cols, int64_t n_rows, int64_t n_cols);

// A behavior graph's mean adjacencies in both directions, one per behavior, as the graph models
// (MBGCN, MBRec) propagate over them.
struct BehaviorAdjacency {
  std::vector<torch::Tensor> ui;  // per behavior: sparse (U+1, N+1), user rows averaging their items
  std::vector<torch::Tensor> iu;  // per behavior: sparse (N+1, U+1), item rows averaging their users
  BehaviorAdjacency() = default;
  BehaviorAdjacency(const BehaviorGraph& g, const RankDims& d);
  void to(const torch::Device& dev);  // moves them where the model's weights are
};

class RankingNetImpl : public torch::nn::Module {
 public:
  // Training loss of a batch whose next target-behavior items are `targets` (B) item rows.
  virtual torch::Tensor loss(const RankInput& in, const torch::Tensor& targets, Rng& rng) = 0;
  // Scores of every item for each row: (B, N), column j is item row j + 1.
  virtual torch::Tensor scores(const RankInput& in) = 0;
};

// The published defaults of a ranking kind (one commented line per setting in its file) and a
// network of that kind; `graph` is used by the graph models only.
nlohmann::json ranking_defaults(const std::string& kind);
std::shared_ptr<RankingNetImpl> make_ranking_net(const std::string& kind, const nlohmann::json& settings,
                                                 const RankDims& dims, const BehaviorGraph& graph);

// RecBole-style init of a module's parameters: normal(0, std) weights (embeddings, linear), zero
// biases, LayerNorm (1, 0), zero padding rows of the named embeddings.
void init_ranking_weights(torch::nn::Module& m, double std);

}  // namespace tmf
