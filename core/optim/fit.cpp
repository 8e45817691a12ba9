#include "optim/fit.h"

#include <chrono>
#include <cstdio>

#include "util/error.h"

namespace tmf {
namespace {
using Clock = std::chrono::steady_clock;
double since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

std::vector<torch::Tensor> snapshot(torch::nn::Module& m) {
  std::vector<torch::Tensor> s;
  for (const auto& p : m.parameters()) s.push_back(p.detach().clone());
  return s;
}

void restore(torch::nn::Module& m, const std::vector<torch::Tensor>& s) {
  torch::NoGradGuard no_grad;
  auto ps = m.parameters();
  for (size_t i = 0; i < ps.size(); ++i) ps[i].copy_(s[i]);
}
}  // namespace

FitResult fit(torch::nn::Module& model, int64_t examples, const FitOptions& o, const FitHooks& hooks,
              const Progress& progress) {
  TMF_CHECK(o.epochs >= 1, o.stage, ": epochs must be at least 1, got ", o.epochs);
  TMF_CHECK(o.batch_size >= 1, o.stage, ": batch_size must be positive, got ", o.batch_size);
  TMF_CHECK(o.learning_rate > 0, o.stage, ": learning_rate must be positive, got ", o.learning_rate);
  TMF_CHECK(o.patience >= 0, o.stage, ": patience must be >= 0, got ", o.patience);
  TMF_CHECK(examples >= 1, o.stage, ": no training examples");
  TMF_CHECK(bool(hooks.batch_loss), o.stage, ": fit needs a batch_loss hook");
  const auto t_start = Clock::now();
  torch::optim::Adam optim(model.parameters(), torch::optim::AdamOptions(o.learning_rate));
  torch::manual_seed(o.seed);
  Rng rng(o.seed ^ o.rng_salt);
  const int64_t R = examples;
  const int64_t total_steps = ((R + o.batch_size - 1) / o.batch_size) * o.epochs;
  FitResult res;
  res.train_examples = R;
  std::vector<torch::Tensor> best;
  int64_t since_best = 0, step = 0;
  for (int64_t epoch = 1; epoch <= o.epochs; ++epoch) {
    const auto t0 = Clock::now();
    model.train();
    std::vector<int64_t> order(static_cast<size_t>(R));
    for (int64_t i = 0; i < R; ++i) order[size_t(i)] = i;
    rng.shuffle(order);
    double loss_sum = 0;
    for (int64_t at = 0; at < R; at += o.batch_size) {
      const int64_t B = std::min(o.batch_size, R - at);
      torch::Tensor idx = torch::tensor(std::vector<int64_t>(order.begin() + at, order.begin() + at + B));  // (B)
      torch::Tensor loss = hooks.batch_loss(idx, rng);
      optim.zero_grad();
      loss.backward();
      optim.step();
      const double l = loss.item<double>();
      loss_sum += l * double(B);
      ++step;
      char msg[96];
      std::snprintf(msg, sizeof msg, "epoch %lld loss %.4f", static_cast<long long>(epoch), l);
      progress.report(o.stage, double(step), double(total_steps), msg);
    }
    FitEpoch e;
    e.epoch = epoch;
    e.loss = loss_sum / double(R);
    if (hooks.validate) e.valid_hr1 = hooks.validate();
    e.seconds = since(t0);
    res.epochs.push_back(e);
    if (hooks.on_epoch) hooks.on_epoch(e);
    if (best.empty() || e.valid_hr1 > res.best_valid_hr1) {
      res.best_valid_hr1 = e.valid_hr1;
      res.best_epoch = epoch;
      best = snapshot(model);
      since_best = 0;
    } else if (o.patience > 0 && hooks.validate && ++since_best >= o.patience) {
      break;
    }
  }
  if (hooks.validate) restore(model, best);  // without validation the last epoch is kept
  model.eval();
  res.seconds = since(t_start);
  return res;
}

}  // namespace tmf
