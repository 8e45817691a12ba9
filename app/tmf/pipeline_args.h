// The training options `tmf train` and `tmf ablate` share: --size default|demo|tiny picks a
// recipe (PipelineOptions, PipelineOptions::demo(), PipelineOptions::tiny()) and the other options
// override single settings of it:
//   --split default --candidates default --steps N --batch N --grad-accum N --lr X
//   --warmup-steps N --clip-steps N --mbht-epochs N --prompt-history N --seed N --device auto|cpu|cuda
#pragma once
#include "command.h"
#include "train/tmf_pipeline.h"

namespace tmf::cli {

PipelineOptions pipeline_options(Args& a);

}  // namespace tmf::cli
