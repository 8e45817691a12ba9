// The epoch loop every ranking model here trains with (RecBole's Trainer.fit): Adam over shuffled
// mini-batches of the training examples, the model's own loss through a hook, HitRate@1 on the
// validation rows after each epoch through another, the weights of the best epoch kept, and a
// stop after `patience` epochs without gain. Used by MBHT (graph/mbht_train.h) and the ranking
// baselines (baselines/ranking_trainer.h). Deterministic for a seed on the CPU: torch::manual_seed
// for dropout and init, then tmf::Rng(seed ^ rng_salt) for the batch order and whatever the loss
// draws (masks, negatives). Reports `stage` per step (message "epoch e loss x") and honours cancel
// (tmf::Cancelled; the model keeps the weights it had at that point).
#pragma once
#include <torch/torch.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "util/progress.h"
#include "util/rng.h"

namespace tmf {

struct FitOptions {
  int64_t epochs = 100;
  int64_t batch_size = 256;
  double learning_rate = 1e-3;
  int64_t patience = 10;     // epochs without validation gain before stopping; 0: never stop early
  uint64_t seed = 0;
  uint64_t rng_salt = 0;     // one stream per model family, so two families never share draws
  std::string stage = "train";
};

struct FitEpoch {
  int64_t epoch = 0;         // 1-based
  double loss = 0;           // mean training loss
  double valid_hr1 = -1;     // -1 without validation rows
  double seconds = 0;
};

struct FitResult {
  std::vector<FitEpoch> epochs;
  int64_t best_epoch = 0;
  double best_valid_hr1 = -1;
  int64_t train_examples = 0;
  double seconds = 0;        // the caller's whole training, data preparation included
};

struct FitHooks {
  // The loss of the training examples `idx` ((B) int64 on the CPU), drawing from `rng`.
  std::function<torch::Tensor(const torch::Tensor& idx, Rng& rng)> batch_loss;
  // HitRate@1 on the validation rows; empty when there are none (the last epoch is then kept).
  std::function<double()> validate;
  std::function<void(const FitEpoch&)> on_epoch;
};

// Trains `model` in place on `examples` training examples; throws naming a bad option.
FitResult fit(torch::nn::Module& model, int64_t examples, const FitOptions& opts, const FitHooks& hooks,
              const Progress& progress = {});

}  // namespace tmf
