#include "train/tmf_tuning.h"

#include <chrono>
#include <cmath>

#include "llm/lora.h"
#include "util/error.h"
#include "util/rng.h"

namespace tmf {

double tuning_lr(const TuneOptions& o, int64_t step) {
  const int64_t warm = std::max<int64_t>(1, int64_t(std::llround(o.warmup_fraction * double(o.steps))));
  if (step < warm) return o.lr * double(step + 1) / double(warm);
  const double p = double(step - warm) / double(std::max<int64_t>(1, o.steps - warm));
  const double floor = o.lr / 100;
  return floor + (o.lr - floor) * 0.5 * (1 + std::cos(M_PI * std::min(1.0, p)));
}

TuneReport tune_tmf(TmfModel& model, const std::vector<SplitRow>& rows, const std::vector<int64_t>& catalog,
                    const std::unordered_map<int64_t, std::vector<int64_t>>& seen, int64_t target_behavior,
                    const TuneOptions& o, const Progress& progress) {
  TMF_CHECK(!rows.empty(), "no training examples: the split has no target events before the validation targets");
  TMF_CHECK(o.steps > 1 && o.batch > 0 && o.grad_accum > 0, "tuning needs steps > 1, batch > 0, grad_accum > 0 (got ",
            o.steps, ", ", o.batch, ", ", o.grad_accum, ")");
  auto t0 = std::chrono::steady_clock::now();
  torch::manual_seed(o.seed);
  Rng rng(o.seed);
  const Task hardest = hardest_task(model.level());
  const int64_t t1 = std::clamp<int64_t>(int64_t(std::llround(o.t1_fraction * double(o.steps))), 0, o.steps - 1);
  Curriculum curriculum(t1, o.steps);

  std::vector<torch::Tensor> params = freeze_all_but_lora(*model.llm());
  if (o.train_lm_head && model.llm()->lm_head) {
    model.llm()->lm_head->weight.set_requires_grad(true);
    params.push_back(model.llm()->lm_head->weight);
  }
  for (auto& p : model.heads()->parameters()) params.push_back(p);
  TMF_CHECK(!params.empty(), "nothing to train: attach LoRA adapters to the backbone first");
  torch::optim::Adam opt(params, torch::optim::AdamOptions(o.lr));
  model.llm()->train();
  model.heads()->train();

  static const std::vector<int64_t> kNone;
  TuneReport rep;
  for (int64_t step = 0; step < o.steps; ++step) {
    // Eq. 12-14: the task of this iteration, capped by the ablation level.
    Task task = curriculum.pick(step, rng.uniform());
    if (int(task) > int(hardest)) task = hardest;
    for (auto& p : params) p.mutable_grad() = torch::Tensor();
    double loss_sum = 0;
    for (int64_t micro = 0; micro < o.grad_accum; ++micro) {
      std::vector<TmfExample> batch;
      std::vector<int> templates;
      for (int64_t b = 0; b < o.batch; ++b) {
        const SplitRow& row = rows[rng.below(rows.size())];
        auto it = seen.find(row.user_id);
        batch.push_back(training_example(row, target_behavior, catalog, it == seen.end() ? kNone : it->second,
                                         o.negatives, rng));
        templates.push_back(int(rng.below(kNumPromptTemplates)));
      }
      auto loss = model.loss(model.build(batch, task, templates, /*with_answer=*/true)) / double(o.grad_accum);
      loss.backward();
      loss_sum += loss.item<double>();
    }
    for (auto& group : opt.param_groups()) static_cast<torch::optim::AdamOptions&>(group.options()).lr(tuning_lr(o, step));
    opt.step();
    rep.losses.push_back(loss_sum);
    rep.tasks.push_back(task);
    progress.report("tune", double(step + 1), double(o.steps),
                    std::string(task_name(task)) + " loss " + std::to_string(loss_sum).substr(0, 6));
  }
  model.llm()->eval();
  model.heads()->eval();
  rep.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return rep;
}

}  // namespace tmf
