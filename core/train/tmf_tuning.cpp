#include "train/tmf_tuning.h"

#include <chrono>
#include <cmath>
#include <filesystem>

#include <ATen/CPUGeneratorImpl.h>

#include "llm/lora.h"
#include "llm/safetensors_torch.h"
#include "train/adam.h"
#include "train/curriculum.h"
#include "train/example_sampler.h"
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

namespace {

torch::Generator cpu_generator() { return at::detail::getDefaultCPUGenerator(); }

// The alignment loss of TuneOptions::item_align on a hard batch built from `examples`.
torch::Tensor item_alignment_loss(const TmfBatch& batch, const std::vector<TmfExample>& examples) {
  const int64_t B = batch.history_tokens.size(0), C = batch.history_tokens.size(2);
  auto m = batch.history_mask.to(batch.history_tokens.scalar_type()).unsqueeze(-1);  // (B, H, 1)
  auto user = (batch.history_tokens * m).sum(1) / m.sum(1).clamp_min(1);           // (B, C)
  std::vector<torch::Tensor> losses;
  int64_t off = 0;
  for (int64_t b = 0; b < B; ++b) {
    const auto& ex = examples[size_t(b)];
    const int64_t K = int64_t(ex.candidates.size());
    auto cand = batch.candidate_tokens.narrow(0, off, K);                              // (K, C)
    auto scores = torch::mv(cand, user[b]) / std::sqrt(double(C));                    // (K)
    auto target = torch::full({1}, int64_t(ex.truth), torch::TensorOptions().dtype(torch::kLong).device(scores.device()));
    losses.push_back(torch::nn::functional::cross_entropy(scores.unsqueeze(0).to(torch::kFloat32), target));
    off += K;
  }
  return torch::stack(losses).mean();
}

// The options a resumed run must share with the run that wrote the checkpoint.
// A non-TMF curriculum is appended, so that checkpoints written before it existed still match.
torch::Tensor options_tensor(const TuneOptions& o) {
  std::vector<double> v = {double(o.steps), double(o.seed), o.t1_fraction, double(o.batch), double(o.grad_accum), o.lr,
                           o.warmup_fraction, double(o.negatives), double(o.train_lm_head), double(o.full_finetune),
                           o.head_lr_scale, o.clip_norm};
  if (o.item_align > 0 || o.history_name_dropout > 0) v.push_back(o.item_align);
  if (o.history_name_dropout > 0) v.push_back(o.history_name_dropout);
  if (o.curriculum != CurriculumKind::Tmf) v.push_back(double(o.curriculum));
  return torch::tensor(v, torch::kFloat64);
}

// Trainable weights by index, optimizer state, RNG, progress: everything a resumed run needs.
void save_checkpoint(const std::string& path, const std::vector<torch::Tensor>& params, const Adam& opt,
                     const TuneReport& rep, int64_t steps_done, const TuneOptions& o) {
  auto tensors = opt.state();
  for (size_t i = 0; i < params.size(); ++i) tensors["param." + std::to_string(i)] = params[i].detach().cpu().clone();
  tensors["progress.step"] = torch::tensor({steps_done}, torch::kInt64);
  tensors["progress.options"] = options_tensor(o);
  tensors["progress.losses"] = torch::tensor(rep.losses, torch::kFloat64);
  std::vector<int64_t> tasks;
  for (Task t : rep.tasks) tasks.push_back(int64_t(t));
  tensors["progress.tasks"] = torch::tensor(tasks, torch::kInt64);
  tensors["rng.torch_cpu"] = cpu_generator().get_state();
  const std::string tmp = path + ".partial";
  st::save(tmp, tensors);
  std::filesystem::rename(tmp, path);
}

// Returns the number of optimizer steps the checkpoint holds.
int64_t load_checkpoint(const std::string& path, const std::vector<torch::Tensor>& params, Adam& opt, TuneReport& rep,
                        const TuneOptions& o) {
  auto t = st::load_all(path);
  auto get = [&](const std::string& k) {
    auto it = t.find(k);
    TMF_CHECK(it != t.end(), "tuning checkpoint '", path, "' is corrupt: it lacks '", k, "'");
    return it->second;
  };
  auto saved = get("progress.options");
  TMF_CHECK(saved.sizes() == options_tensor(o).sizes() && saved.equal(options_tensor(o)), "tuning checkpoint '", path,
            "' belongs to a run with other settings (steps, seed, batch, lr, ...: ", saved, "); delete it to start afresh");
  for (size_t i = 0; i < params.size(); ++i)
    st::copy_weight(params[i], get("param." + std::to_string(i)), "tuning checkpoint '" + path + "'",
                    "param." + std::to_string(i));
  opt.load_state(t);
  auto losses = get("progress.losses").contiguous();
  auto tasks = get("progress.tasks").contiguous();
  rep.losses.assign(losses.data_ptr<double>(), losses.data_ptr<double>() + losses.numel());
  for (int64_t i = 0; i < tasks.numel(); ++i) rep.tasks.push_back(Task(tasks[i].item<int64_t>()));
  cpu_generator().set_state(get("rng.torch_cpu"));
  return get("progress.step").item<int64_t>();
}

}  // namespace

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

  std::vector<torch::Tensor> params;
  if (o.full_finetune) {
    for (auto& p : model.llm()->parameters()) {
      p.set_requires_grad(true);
      params.push_back(p);
    }
  } else {
    params = freeze_all_but_lora(*model.llm());
    if (o.train_lm_head && model.llm()->lm_head) {
      model.llm()->lm_head->weight.set_requires_grad(true);
      params.push_back(model.llm()->lm_head->weight);
    }
  }
  TMF_CHECK(!params.empty(), "nothing to train: attach LoRA adapters to the backbone first (or tune it in full)");
  std::vector<double> lr_scales(params.size(), 1.0);
  for (auto& p : model.head_parameters()) {
    params.push_back(p);
    lr_scales.push_back(o.head_lr_scale);
  }
  Adam opt(params);
  opt.set_lr_scales(lr_scales);
  model.llm()->train();
  model.set_heads_training(true);

  ExampleSampler sampler(rows, catalog, seen, target_behavior, o.negatives);
  TuneReport rep;
  int64_t start = 0;
  if (!o.checkpoint_path.empty() && std::filesystem::exists(o.checkpoint_path)) {
    start = load_checkpoint(o.checkpoint_path, params, opt, rep, o);
    rep.resumed_from = start;
  }
  for (int64_t step = 0; step < o.steps; ++step) {
    // Eq. 12-14: the task of this iteration, capped by the ablation level. The draws of a step do
    // not depend on the model, so a resumed run replays them for the steps it skips.
    Task task = o.curriculum == CurriculumKind::Llara
                    ? (rng.uniform() < double(step) / double(o.steps) ? hardest : Task::Easy)
                    : curriculum.pick(step, rng.uniform());
    if (int(task) > int(hardest)) task = hardest;
    std::vector<std::vector<TmfExample>> micro_batches(static_cast<size_t>(o.grad_accum));
    std::vector<std::vector<int>> micro_templates(static_cast<size_t>(o.grad_accum));
    for (int64_t micro = 0; micro < o.grad_accum; ++micro)
      for (int64_t b = 0; b < o.batch; ++b) {
        micro_batches[size_t(micro)].push_back(sampler.next(rng));
        if (o.history_name_dropout > 0 && task == Task::Hard) {
          auto& ex = micro_batches[size_t(micro)].back();
          ex.hide_name.resize(ex.history_items.size());
          for (auto& h : ex.hide_name) h = rng.uniform() < o.history_name_dropout;
        }
        micro_templates[size_t(micro)].push_back(int(rng.below(kNumPromptTemplates)));
      }
    if (step < start) continue;
    opt.zero_grad();
    double loss_sum = 0;
    for (int64_t micro = 0; micro < o.grad_accum; ++micro) {
      const auto& examples = micro_batches[size_t(micro)];
      TmfBatch batch = model.build(examples, task, micro_templates[size_t(micro)], /*with_answer=*/true);
      auto loss = model.loss(batch);
      if (o.item_align > 0 && task == Task::Hard && batch.candidate_tokens.defined())
        loss = loss + o.item_align * item_alignment_loss(batch, examples);
      loss = loss / double(o.grad_accum);
      loss.backward();
      loss_sum += loss.item<double>();
    }
    if (o.clip_norm > 0) {
      std::vector<torch::Tensor> with_grad;
      for (auto& p : params)
        if (p.grad().defined()) with_grad.push_back(p);
      torch::nn::utils::clip_grad_norm_(with_grad, o.clip_norm);
    }
    opt.step(tuning_lr(o, step));
    rep.losses.push_back(loss_sum);
    rep.tasks.push_back(task);
    if (!o.checkpoint_path.empty() && o.checkpoint_every > 0 && (step + 1) % o.checkpoint_every == 0 &&
        step + 1 < o.steps)
      save_checkpoint(o.checkpoint_path, params, opt, rep, step + 1, o);
    progress.report("tune", double(step + 1), double(o.steps),
                    std::string(task_name(task)) + " loss " + std::to_string(loss_sum).substr(0, 6));
  }
  model.llm()->eval();
  model.set_heads_training(false);
  rep.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return rep;
}

}  // namespace tmf
