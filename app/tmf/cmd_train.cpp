// tmf train: dataset -> TMF model package (train/tmf_pipeline.h).
// Options: the Spec below (`tmf train --help`).
#include <cstdio>

#include "cli_progress.h"
#include "command.h"
#include "data/dataset.h"
#include "llm/device.h"
#include "pipeline_args.h"
#include "train/tmf_pipeline.h"

namespace {

const tmf::cli::Spec spec =
    tmf::cli::Spec("train", "train a TMF model package from a dataset (backbone, encoders, MBHT, curriculum tuning)")
        .describe(
            "Stages: backbone warm-up (or --backbone), CLIP image/text encoders, the MBHT graph encoder, then "
            "curriculum tuning of backbone, fusion and adaptors. Each finished stage is kept in the output folder "
            "and a killed run resumes from its last checkpoint when started again; --redo starts over.")
        .required("dataset", "FILE", "dataset file (.tmfdb) with a split and candidate sets")
        .required("out", "DIR", "folder of the model package to write")
        .choice("level", {"text", "behavior", "amsa", "cma", "full"}, "cma",
                "ablation level (paper Table 3): text only; + behavior tokens; + item tokens (AMSA); + CMA (full "
                "= cma)")
        .include(tmf::cli::pipeline_option_specs())
        .flag("redo", "retrain every stage instead of resuming")
        .example("tmf train --dataset data/worlds/demo/pets.tmfdb --out models/pets --size demo")
        .example("tmf train --dataset pets.tmfdb --out /tmp/smoke --size tiny --device cpu");

int run_train(tmf::cli::Args& a) {
  using namespace tmf;
  Dataset ds = Dataset::open(a.req("dataset"));
  const std::string out = a.req("out");
  PipelineOptions o = cli::pipeline_options(a);
  o.level = parse_level(a.get("level"));
  o.redo = a.flag("redo");
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

tmf::cli::Register reg(spec, run_train);

}  // namespace
