// tmf train: dataset -> TMF model package (train/tmf_pipeline.h).
//   tmf train --dataset FILE --out DIR [--level text|behavior|amsa|cma] [--split default]
//             [--steps 300] [--batch 8] [--lr 5e-4] [--warmup-steps 300] [--clip-steps 300]
//             [--warmup-prompts 2000] [--warmup-batch 16]
//             [--mbht-epochs 20] [--seed 42] [--device cpu|cuda] [--redo]
//             [--size default|demo|tiny]   (demo: the app's demo model, < 30 min on 2 cores;
//                                       tiny: a few-second model for tests and smoke runs)
#include <cstdio>

#include "cli_progress.h"
#include "command.h"
#include "data/dataset.h"
#include "llm/device.h"
#include "pipeline_args.h"
#include "train/tmf_pipeline.h"

namespace {

int run_train(tmf::cli::Args& a) {
  using namespace tmf;
  Dataset ds = Dataset::open(a.req("dataset"));
  const std::string out = a.req("out");
  PipelineOptions o = cli::pipeline_options(a);
  o.level = parse_level(a.get("level", "cma"));
  o.redo = a.flag("redo");
  a.finish();
  init_torch_threads();
  PipelineResult r = train_pipeline(ds, out, o, cli::terminal_progress());
  std::printf("model package: %s (%.0f s)\n", r.package_dir.c_str(), r.seconds);
  if (!r.warmup_losses.empty())
    std::printf("  backbone warm-up loss %.3f -> %.3f\n", r.warmup_losses.front(), r.warmup_losses.back());
  if (!r.clip_losses.empty()) std::printf("  CLIP loss %.3f -> %.3f\n", r.clip_losses.front(), r.clip_losses.back());
  if (r.mbht_valid_hr1 >= 0) std::printf("  MBHT validation HitRate@1 %.3f\n", r.mbht_valid_hr1);
  if (r.tune_resumed_from > 0)
    std::printf("  tuning resumed from its checkpoint at step %lld\n", (long long)r.tune_resumed_from);
  std::printf("  tuning loss %.3f -> %.3f\n", r.tune_losses.front(), r.tune_losses.back());
  return 0;
}

tmf::cli::Register reg("train", "train a TMF model package from a dataset (backbone, encoders, MBHT, curriculum tuning)",
                       run_train);

}  // namespace
