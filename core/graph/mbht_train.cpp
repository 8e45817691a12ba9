// MBHT training loop: Cloze masking, cross-entropy over all items, Adam, early stopping on HR@1.
#include "graph/mbht_train.h"

#include <chrono>

#include "data/split.h"
#include "graph/mbht_rank.h"
#include "util/error.h"
#include "util/rng.h"

namespace tmf {

namespace {
using Clock = std::chrono::steady_clock;
double since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// Training examples as (R, T) rows: history left-padded, target in the last slot.
struct Examples {
  torch::Tensor items, behaviors, valid;  // (R, T) int64, int64, bool
};

Examples encode_examples(const MbhtModel& m, const std::vector<SplitRow>& rows) {
  std::vector<const std::vector<Event>*> hs;
  for (const auto& r : rows) hs.push_back(&r.history);
  MbhtBatch h = encode_histories(m, hs);  // (R, T-1)
  const int64_t R = int64_t(rows.size());
  torch::Tensor target = torch::empty({R, 1}, torch::kInt64);
  auto ta = target.accessor<int64_t, 2>();
  for (int64_t r = 0; r < R; ++r) ta[r][0] = m.vocab.item_row(rows[size_t(r)].target_item_id);
  return {torch::cat({h.items, target}, 1),
          torch::cat({h.behaviors, torch::full({R, 1}, m.config.target_behavior, torch::kInt64)}, 1),
          torch::cat({h.valid, torch::ones({R, 1}, torch::kBool)}, 1)};
}

}  // namespace

MbhtTrainResult train_mbht(MbhtModel& m, const Dataset& ds, const MbhtTrainOptions& opts, const Progress& progress,
                           const std::function<void(const MbhtEpoch&)>& on_epoch) {
  TMF_CHECK(m.module, "train_mbht: the model has no module (create_mbht or load_mbht first)");
  TMF_CHECK(m.dataset_hash == ds.content_hash(), "train_mbht: the model was built for dataset '", m.dataset_name,
            "', not for ", ds.path());
  const auto t_start = Clock::now();
  const std::vector<SplitRow> rows = training_rows(ds, opts.split);
  TMF_CHECK(!rows.empty(), "split '", opts.split, "' of ", ds.path(), " has no training examples");
  const Examples ex = encode_examples(m, rows);
  const EvaluationRows valid_rows = load_evaluation_rows(ds, opts.split, opts.candidates, "valid");

  Mbht mod = m.module;
  const torch::Device dev = mod->item_embeddings->weight.device();
  const int64_t T = m.config.max_len;
  FitHooks hooks;
  hooks.batch_loss = [&](const torch::Tensor& idx, Rng& rng) {
    const int64_t B = idx.size(0);
    torch::Tensor items = ex.items.index_select(0, idx), beh = ex.behaviors.index_select(0, idx),
                  valid = ex.valid.index_select(0, idx);
    // Cloze mask (B, T): history positions with probability mask_ratio, the target always.
    torch::Tensor mask = torch::zeros({B, T}, torch::kBool);
    {
      auto ma = mask.accessor<bool, 2>();
      auto va = valid.accessor<bool, 2>();
      for (int64_t b = 0; b < B; ++b) {
        for (int64_t t = 0; t + 1 < T; ++t) ma[b][t] = va[b][t] && rng.bernoulli(m.config.mask_ratio);
        ma[b][T - 1] = true;
      }
    }
    torch::Tensor labels = items.masked_select(mask) - 1;                   // (M)
    torch::Tensor input = items.masked_fill(mask, mod->mask_row());
    torch::Tensor h = mod->forward(input.to(dev), beh.to(dev), valid.to(dev));  // (B, T, C)
    torch::Tensor hm = h.index({mask.to(dev)});                            // (M, C)
    return torch::nn::functional::cross_entropy(mod->logits(hm), labels.to(dev));
  };
  if (valid_rows.size() > 0) hooks.validate = [&] { return evaluate_mbht(m, valid_rows).hit_rate(); };
  hooks.on_epoch = on_epoch;
  MbhtTrainResult res = fit(*mod, ex.items.size(0), opts, hooks, progress);
  res.seconds = since(t_start);
  m.training = {{"split", opts.split},
                {"candidates", opts.candidates},
                {"epochs_run", int64_t(res.epochs.size())},
                {"epochs_max", opts.epochs},
                {"best_epoch", res.best_epoch},
                {"best_valid_hr1", res.best_valid_hr1},
                {"batch_size", opts.batch_size},
                {"learning_rate", opts.learning_rate},
                {"patience", opts.patience},
                {"seed", opts.seed},
                {"train_examples", res.train_examples},
                {"seconds", res.seconds}};
  return res;
}

}  // namespace tmf
