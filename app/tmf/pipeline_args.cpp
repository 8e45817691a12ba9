#include "pipeline_args.h"

#include <cstdint>
#include <sstream>

#include "llm/device.h"
#include "train/pipeline_settings.h"
#include "util/error.h"

namespace tmf::cli {
namespace {

// "300; demo 200, tiny 8" (or "42" when the recipes agree): a recipe setting as --help shows it.
template <typename Field>
std::string per_size(Field field) {
  const auto full = field(PipelineOptions()), demo = field(PipelineOptions::demo()), tiny = field(PipelineOptions::tiny());
  std::ostringstream s;
  s << full;
  if (demo != full || tiny != full) s << "; demo " << demo << ", tiny " << tiny;
  return s.str();
}

}  // namespace

std::vector<Option> pipeline_option_specs() {
  std::string keys;
  for (const auto& k : pipeline_setting_keys()) keys += (keys.empty() ? "" : ", ") + k;
  Spec s("", "");
  s.choice("size", {"default", "demo", "tiny"}, "default",
           "training recipe: default (the full recipe), demo (the app's demo model, < 30 min on 2 cores), tiny "
           "(a few seconds, for tests and smoke runs); the options below override single settings of it")
      .text("split", "NAME", "default", "the dataset's split to train on")
      .text("candidates", "NAME", "default", "validation candidate set for MBHT early stopping")
      .integer("steps", "", 0, 1LL << 40, "curriculum tuning steps")
      .computed_default(per_size([](const PipelineOptions& o) { return o.tune.steps; }))
      .integer("batch", "", 1, 1 << 20, "tuning batch size (prompts per step)")
      .computed_default(per_size([](const PipelineOptions& o) { return o.tune.batch; }))
      .integer("grad-accum", "", 1, 1 << 20, "tuning batches accumulated per optimizer step")
      .computed_default(per_size([](const PipelineOptions& o) { return o.tune.grad_accum; }))
      .number("lr", "", 1e-12, 10.0, "tuning learning rate")
      .computed_default(per_size([](const PipelineOptions& o) { return o.tune.lr; }))
      .integer("warmup-steps", "", 0, 1LL << 40, "backbone warm-up steps (language modelling of item texts and prompts)")
      .computed_default(per_size([](const PipelineOptions& o) { return o.backbone.steps; }))
      .integer("warmup-prompts", "", 0, INT32_MAX, "text-only prompts in the warm-up corpus")
      .computed_default(per_size([](const PipelineOptions& o) { return o.backbone.prompts; }))
      .integer("warmup-batch", "", 1, 1 << 20, "warm-up batch size")
      .computed_default(per_size([](const PipelineOptions& o) { return o.backbone.batch; }))
      .integer("clip-steps", "", 0, 1LL << 40, "CLIP encoder training steps")
      .computed_default(per_size([](const PipelineOptions& o) { return o.encoders.steps; }))
      .integer("mbht-epochs", "", 0, 1 << 20, "MBHT graph encoder epochs (early stopping on validation)")
      .computed_default(per_size([](const PipelineOptions& o) { return o.mbht_epochs; }))
      .integer("prompt-history", "", 0, 1 << 20, "history steps shown in a prompt (0: all)")
      .computed_default(per_size([](const PipelineOptions& o) { return o.prompt_history; }))
      .integer("seed", "", 0, 1LL << 62, "random seed of every stage")
      .computed_default(per_size([](const PipelineOptions& o) { return o.seed; }))
      .device("auto")
      .text("backbone", "DIR", "",
            "a pretrained Hugging Face Llama folder (config.json, safetensors, tokenizer.model) instead of a "
            "backbone built and warmed up here")
      .choice("tuning", {"auto", "full", "lora"}, "auto",
              "what tuning trains: full (every weight), lora (LoRA adapters, as the paper does with a pretrained "
              "7B), auto (full for a backbone built here, lora for --backbone)")
      .repeated("set", "KEY=VALUE", "override any recipe setting (keys: " + keys + ")");
  return s.options;
}

PipelineOptions pipeline_options(const Args& a) {
  PipelineOptions o = PipelineOptions::preset(a.get("size"));
  o.split = a.get("split");
  o.candidates = a.get("candidates");
  o.tune.steps = a.get_int("steps", o.tune.steps);
  o.tune.batch = a.get_int("batch", o.tune.batch);
  o.tune.grad_accum = a.get_int("grad-accum", o.tune.grad_accum);
  o.tune.lr = a.get_double("lr", o.tune.lr);
  o.backbone.steps = a.get_int("warmup-steps", o.backbone.steps);
  o.backbone.prompts = int(a.get_int("warmup-prompts", o.backbone.prompts));
  o.backbone.batch = a.get_int("warmup-batch", o.backbone.batch);
  o.encoders.steps = a.get_int("clip-steps", o.encoders.steps);
  o.mbht_epochs = a.get_int("mbht-epochs", o.mbht_epochs);
  o.prompt_history = a.get_int("prompt-history", o.prompt_history);
  o.seed = uint64_t(a.get_int("seed", int64_t(o.seed)));
  o.device = resolve_device(a.get("device"));
  o.pretrained_backbone = a.opt("backbone").value_or("");
  o.tuning = a.get("tuning");
  for (const auto& kv : a.all("set")) apply_pipeline_setting(o, kv);
  return o;
}

}  // namespace tmf::cli
