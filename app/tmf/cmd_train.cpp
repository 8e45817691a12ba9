// tmf train: dataset -> TMF model package (train/tmf_pipeline.h).
//   tmf train --dataset FILE --out DIR [--level text|behavior|amsa|cma] [--split default]
//             [--steps 300] [--batch 8] [--lr 5e-4] [--warmup-steps 300] [--clip-steps 300]
//             [--mbht-epochs 20] [--seed 42] [--device cpu|cuda] [--redo]
//             [--size default|demo|tiny]   (demo: the app's demo model, < 30 min on 2 cores;
//                                       tiny: a few-second model for tests and smoke runs)
#include <cstdio>

#include "cli_progress.h"
#include "command.h"
#include "data/dataset.h"
#include "llm/device.h"
#include "train/tmf_pipeline.h"

namespace {

int run_train(tmf::cli::Args& a) {
  using namespace tmf;
  Dataset ds = Dataset::open(a.req("dataset"));
  const std::string out = a.req("out");
  const std::string size = a.get("size", "default");
  TMF_CHECK(size == "default" || size == "demo" || size == "tiny", "--size must be default, demo or tiny, not '", size,
            "'");
  PipelineOptions o = size == "tiny" ? PipelineOptions::tiny() : size == "demo" ? PipelineOptions::demo() : PipelineOptions();
  o.split = a.get("split", "default");
  o.level = parse_level(a.get("level", "cma"));
  o.tune.steps = a.get_int("steps", o.tune.steps);
  o.tune.batch = a.get_int("batch", o.tune.batch);
  o.tune.grad_accum = a.get_int("grad-accum", o.tune.grad_accum);
  o.tune.lr = a.get_double("lr", o.tune.lr);
  o.backbone.steps = a.get_int("warmup-steps", o.backbone.steps);
  o.encoders.steps = a.get_int("clip-steps", o.encoders.steps);
  o.mbht_epochs = a.get_int("mbht-epochs", o.mbht_epochs);
  o.seed = uint64_t(a.get_int("seed", 42));
  o.device = resolve_device(a.get("device", "auto"));
  o.redo = a.flag("redo");
  a.finish();
  init_torch_threads();
  PipelineResult r = train_pipeline(ds, out, o, cli::terminal_progress());
  std::printf("model package: %s (%.0f s)\n", r.package_dir.c_str(), r.seconds);
  if (!r.warmup_losses.empty())
    std::printf("  backbone warm-up loss %.3f -> %.3f\n", r.warmup_losses.front(), r.warmup_losses.back());
  if (!r.clip_losses.empty()) std::printf("  CLIP loss %.3f -> %.3f\n", r.clip_losses.front(), r.clip_losses.back());
  if (r.mbht_valid_hr1 >= 0) std::printf("  MBHT validation HitRate@1 %.3f\n", r.mbht_valid_hr1);
  std::printf("  tuning loss %.3f -> %.3f\n", r.tune_losses.front(), r.tune_losses.back());
  return 0;
}

tmf::cli::Register reg("train", "train a TMF model package from a dataset (backbone, encoders, MBHT, curriculum tuning)",
                       run_train);

}  // namespace
