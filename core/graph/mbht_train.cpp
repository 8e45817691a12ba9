// MBHT training loop: Cloze masking, cross-entropy over all items, Adam, early stopping on HR@1.
#include "graph/mbht_train.h"

#include <chrono>
#include <cstdio>

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

std::vector<torch::Tensor> snapshot(const Mbht& mod) {
  std::vector<torch::Tensor> s;
  for (const auto& p : mod->parameters()) s.push_back(p.detach().clone());
  return s;
}

void restore(Mbht& mod, const std::vector<torch::Tensor>& s) {
  torch::NoGradGuard no_grad;
  auto ps = mod->parameters();
  for (size_t i = 0; i < ps.size(); ++i) ps[i].copy_(s[i]);
}
}  // namespace

MbhtTrainResult train_mbht(MbhtModel& m, const Dataset& ds, const MbhtTrainOptions& opts, const Progress& progress,
                           const std::function<void(const MbhtEpoch&)>& on_epoch) {
  TMF_CHECK(opts.epochs >= 1, "train_mbht: epochs must be at least 1, got ", opts.epochs);
  TMF_CHECK(opts.batch_size >= 1, "train_mbht: batch_size must be positive, got ", opts.batch_size);
  TMF_CHECK(opts.learning_rate > 0, "train_mbht: learning_rate must be positive, got ", opts.learning_rate);
  TMF_CHECK(m.module, "train_mbht: the model has no module (create_mbht or load_mbht first)");
  TMF_CHECK(m.dataset_hash == ds.content_hash(), "train_mbht: the model was built for dataset '", m.dataset_name,
            "', not for ", ds.path());
  const auto t_start = Clock::now();
  const std::vector<SplitRow> rows = training_rows(ds, opts.split);
  TMF_CHECK(!rows.empty(), "split '", opts.split, "' of ", ds.path(), " has no training examples");
  const Examples ex = encode_examples(m, rows);
  EvaluationRows valid_rows = load_evaluation_rows(ds, opts.split, opts.candidates, "valid");

  Mbht mod = m.module;
  const torch::Device dev = mod->item_embeddings->weight.device();
  torch::optim::Adam optim(mod->parameters(), torch::optim::AdamOptions(opts.learning_rate));
  torch::manual_seed(opts.seed);
  Rng rng(opts.seed ^ 0x6d626874ull);  // "mbht"
  const int64_t R = ex.items.size(0), T = m.config.max_len;
  const int64_t steps_per_epoch = (R + opts.batch_size - 1) / opts.batch_size;
  const int64_t total_steps = steps_per_epoch * opts.epochs;

  MbhtTrainResult res;
  res.train_examples = R;
  std::vector<torch::Tensor> best;
  int64_t since_best = 0, step = 0;
  for (int64_t epoch = 1; epoch <= opts.epochs; ++epoch) {
    const auto t0 = Clock::now();
    mod->train();
    std::vector<int64_t> order(static_cast<size_t>(R));
    for (int64_t i = 0; i < R; ++i) order[size_t(i)] = i;
    rng.shuffle(order);
    double loss_sum = 0;
    for (int64_t at = 0; at < R; at += opts.batch_size) {
      const int64_t B = std::min(opts.batch_size, R - at);
      torch::Tensor idx = torch::tensor(std::vector<int64_t>(order.begin() + at, order.begin() + at + B));
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
      torch::Tensor loss = torch::nn::functional::cross_entropy(mod->logits(hm), labels.to(dev));
      optim.zero_grad();
      loss.backward();
      optim.step();
      const double l = loss.item<double>();
      loss_sum += l * double(B);
      ++step;
      char msg[96];
      std::snprintf(msg, sizeof msg, "epoch %lld loss %.4f", static_cast<long long>(epoch), l);
      progress.report("train:mbht", double(step), double(total_steps), msg);
    }
    MbhtEpoch e;
    e.epoch = epoch;
    e.loss = loss_sum / double(R);
    if (!valid_rows.rows.empty()) e.valid_hr1 = evaluate_mbht(m, valid_rows).hit_rate();
    e.seconds = since(t0);
    res.epochs.push_back(e);
    if (on_epoch) on_epoch(e);
    if (best.empty() || e.valid_hr1 > res.best_valid_hr1) {
      res.best_valid_hr1 = e.valid_hr1;
      res.best_epoch = epoch;
      best = snapshot(mod);
      since_best = 0;
    } else if (opts.patience > 0 && !valid_rows.rows.empty() && ++since_best >= opts.patience) {
      break;
    }
  }
  if (!valid_rows.rows.empty()) restore(mod, best);  // without validation the last epoch is kept
  mod->eval();
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
