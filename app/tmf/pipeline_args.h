// The training options `tmf train`, `tmf ablate` and `tmf bench model` share: --size
// default|demo|tiny picks a recipe (PipelineOptions, PipelineOptions::demo(), ::tiny()) and the
// other options override single settings of it. --help shows each recipe's value.
#pragma once
#include "command.h"
#include "train/tmf_pipeline.h"

namespace tmf::cli {

std::vector<Option> pipeline_option_specs();
PipelineOptions pipeline_options(const Args& a);

}  // namespace tmf::cli
