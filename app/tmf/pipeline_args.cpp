#include "pipeline_args.h"

#include <cstdint>

#include "llm/device.h"
#include "train/pipeline_settings.h"
#include "util/error.h"

namespace tmf::cli {

PipelineOptions pipeline_options(Args& a) {
  const std::string size = a.get("size", "default");
  TMF_CHECK(size == "default" || size == "demo" || size == "tiny", "--size must be default, demo or tiny, not '", size,
            "'");
  PipelineOptions o = size == "tiny" ? PipelineOptions::tiny() : size == "demo" ? PipelineOptions::demo() : PipelineOptions();
  o.split = a.get("split", "default");
  o.candidates = a.get("candidates", "default");
  o.tune.steps = a.get_int("steps", o.tune.steps);
  o.tune.batch = a.get_int("batch", o.tune.batch);
  o.tune.grad_accum = a.get_int("grad-accum", o.tune.grad_accum);
  o.tune.lr = a.get_double("lr", o.tune.lr, 1e-12, 10.0);
  o.backbone.steps = a.get_int("warmup-steps", o.backbone.steps);
  const int64_t prompts = a.get_int("warmup-prompts", o.backbone.prompts);
  TMF_CHECK(prompts >= 0 && prompts <= INT32_MAX, "--warmup-prompts must be in [0, 2^31), got ", prompts);
  o.backbone.prompts = int(prompts);
  o.backbone.batch = a.get_int("warmup-batch", o.backbone.batch);
  TMF_CHECK(o.backbone.batch > 0, "--warmup-batch must be > 0, got ", o.backbone.batch);
  o.encoders.steps = a.get_int("clip-steps", o.encoders.steps);
  o.mbht_epochs = a.get_int("mbht-epochs", o.mbht_epochs);
  o.prompt_history = a.get_int("prompt-history", o.prompt_history);
  o.seed = uint64_t(a.get_int("seed", int64_t(o.seed)));
  o.device = resolve_device(a.get("device", "auto"));
  o.pretrained_backbone = a.get("backbone", "");
  o.tuning = a.get("tuning", o.tuning);
  for (const auto& kv : a.all("set")) apply_pipeline_setting(o, kv);
  return o;
}

}  // namespace tmf::cli
