// Training of MBHT on a dataset split (Yang et al., KDD'22; design/references.md): every training
// example of the split (split.h training_rows: history capped to T-1 events + its target appended
// as the last slot, under the target behavior) is Cloze-masked — each history position with
// probability mask_ratio, the target slot always — and the model is trained with cross-entropy
// over all items at the masked positions (item table tied as the output layer), Adam.
// The epoch loop is optim/fit.h: after each epoch HitRate@1 on the stored candidate set of the
// validation part, the weights of the best epoch kept, a stop after `patience` epochs without
// gain. Deterministic for a seed on the CPU: torch::manual_seed for dropout, tmf::Rng for the batch
// order and the masks. Reports stage "train:mbht" per step (message "epoch e loss x") and honours
// cancel (tmf::Cancelled; the model keeps the weights it had at that point).
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "data/dataset.h"
#include "graph/mbht_model.h"
#include "optim/fit.h"
#include "util/progress.h"

namespace tmf {

// Epochs, batch size, learning rate, patience and seed: FitOptions (optim/fit.h).
struct MbhtTrainOptions : FitOptions {
  std::string split = "default";
  std::string candidates = "default";  // candidate set of the split used for validation HR@1
  MbhtTrainOptions() {
    epochs = 50;
    batch_size = 64;
    learning_rate = 1e-3;
    patience = 10;              // epochs without validation gain before stopping; 0: never stop early
    rng_salt = 0x6d626874ull;   // "mbht"
    stage = "train:mbht";
  }
};

using MbhtEpoch = FitEpoch;
using MbhtTrainResult = FitResult;

// Trains m (created by create_mbht for this dataset) in place and records a summary in m.training.
MbhtTrainResult train_mbht(MbhtModel& m, const Dataset& ds, const MbhtTrainOptions& opts,
                           const Progress& progress = {},
                           const std::function<void(const MbhtEpoch&)>& on_epoch = {});

}  // namespace tmf
