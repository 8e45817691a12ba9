#include "train/pipeline_settings.h"

#include <functional>
#include <map>

#include "util/error.h"
#include "util/json_file.h"

namespace tmf {
namespace {

struct Field {
  std::function<void(PipelineOptions&, const nlohmann::json&)> set;
  std::function<nlohmann::json(const PipelineOptions&)> get;
};

template <typename T>
Field field(T PipelineOptions::*member) {
  return {[member](PipelineOptions& o, const nlohmann::json& v) { o.*member = v.get<T>(); },
          [member](const PipelineOptions& o) { return nlohmann::json(o.*member); }};
}
template <typename G, typename T>
Field field(G PipelineOptions::*group, T G::*member) {
  return {[group, member](PipelineOptions& o, const nlohmann::json& v) { (o.*group).*member = v.get<T>(); },
          [group, member](const PipelineOptions& o) { return nlohmann::json((o.*group).*member); }};
}

const std::map<std::string, Field>& table() {
  static const std::map<std::string, Field> t = {
      {"prompt_history", field(&PipelineOptions::prompt_history)},
      {"candidate_kinds", field(&PipelineOptions::candidate_kinds)},
      {"fusion_heads", field(&PipelineOptions::fusion_heads)},
      {"fusion_residual", field(&PipelineOptions::fusion_residual)},
      {"candidates_in_context", field(&PipelineOptions::candidates_in_context)},
      {"fusion_unit_inputs", field(&PipelineOptions::fusion_unit_inputs)},
      {"item_token_first", field(&PipelineOptions::item_token_first)},
      {"tuning", field(&PipelineOptions::tuning)},
      {"mbht_epochs", field(&PipelineOptions::mbht_epochs)},
      {"backbone.vocab_size", field(&PipelineOptions::backbone, &BackboneOptions::vocab_size)},
      {"backbone.split_digits", field(&PipelineOptions::backbone, &BackboneOptions::split_digits)},
      {"backbone.layers", field(&PipelineOptions::backbone, &BackboneOptions::layers)},
      {"backbone.hidden", field(&PipelineOptions::backbone, &BackboneOptions::hidden)},
      {"backbone.heads", field(&PipelineOptions::backbone, &BackboneOptions::heads)},
      {"backbone.kv_heads", field(&PipelineOptions::backbone, &BackboneOptions::kv_heads)},
      {"backbone.intermediate", field(&PipelineOptions::backbone, &BackboneOptions::intermediate)},
      {"backbone.tie_embeddings", field(&PipelineOptions::backbone, &BackboneOptions::tie_embeddings)},
      {"backbone.copy_head", field(&PipelineOptions::backbone, &BackboneOptions::copy_head)},
      {"backbone.steps", field(&PipelineOptions::backbone, &BackboneOptions::steps)},
      {"backbone.batch", field(&PipelineOptions::backbone, &BackboneOptions::batch)},
      {"backbone.text_every", field(&PipelineOptions::backbone, &BackboneOptions::text_every)},
      {"backbone.lr", field(&PipelineOptions::backbone, &BackboneOptions::lr)},
      {"backbone.clip_norm", field(&PipelineOptions::backbone, &BackboneOptions::clip_norm)},
      {"backbone.copy_share", field(&PipelineOptions::backbone, &BackboneOptions::copy_share)},
      {"backbone.copy_repeat", field(&PipelineOptions::backbone, &BackboneOptions::copy_repeat)},
      {"backbone.negatives", field(&PipelineOptions::backbone, &BackboneOptions::negatives)},
      {"backbone.prompts", field(&PipelineOptions::backbone, &BackboneOptions::prompts)},
      {"encoders.steps", field(&PipelineOptions::encoders, &ItemEncoderOptions::steps)},
      {"encoders.batch", field(&PipelineOptions::encoders, &ItemEncoderOptions::batch)},
      {"encoders.lr", field(&PipelineOptions::encoders, &ItemEncoderOptions::lr)},
      {"mbht.dropout", field(&PipelineOptions::mbht, &MbhtConfig::dropout)},
      {"mbht.hidden", field(&PipelineOptions::mbht, &MbhtConfig::hidden)},
      {"lora.r", field(&PipelineOptions::lora, &LoraConfig::r)},
      {"lora.alpha", field(&PipelineOptions::lora, &LoraConfig::alpha)},
      {"lora.dropout", field(&PipelineOptions::lora, &LoraConfig::dropout)},
      {"tune.steps", field(&PipelineOptions::tune, &TuneOptions::steps)},
      {"tune.batch", field(&PipelineOptions::tune, &TuneOptions::batch)},
      {"tune.grad_accum", field(&PipelineOptions::tune, &TuneOptions::grad_accum)},
      {"tune.lr", field(&PipelineOptions::tune, &TuneOptions::lr)},
      {"tune.t1_fraction", field(&PipelineOptions::tune, &TuneOptions::t1_fraction)},
      {"tune.warmup_fraction", field(&PipelineOptions::tune, &TuneOptions::warmup_fraction)},
      {"tune.negatives", field(&PipelineOptions::tune, &TuneOptions::negatives)},
      {"tune.train_lm_head", field(&PipelineOptions::tune, &TuneOptions::train_lm_head)},
      {"tune.head_lr_scale", field(&PipelineOptions::tune, &TuneOptions::head_lr_scale)},
      {"tune.clip_norm", field(&PipelineOptions::tune, &TuneOptions::clip_norm)},
      {"tune.item_align", field(&PipelineOptions::tune, &TuneOptions::item_align)},
      {"tune.history_name_dropout", field(&PipelineOptions::tune, &TuneOptions::history_name_dropout)},
  };
  return t;
}

}  // namespace

std::vector<std::string> pipeline_setting_keys() {
  std::vector<std::string> keys;
  for (auto& [k, f] : table()) keys.push_back(k);
  return keys;
}

void apply_pipeline_setting(PipelineOptions& o, const std::string& key, const nlohmann::json& value) {
  auto it = table().find(key);
  if (it == table().end()) {
    std::string known;
    for (auto& k : pipeline_setting_keys()) known += (known.empty() ? "" : ", ") + k;
    fail("unknown training setting '", key, "' (known: ", known, ")");
  }
  try {
    it->second.set(o, value);
  } catch (const nlohmann::json::exception&) {
    fail("training setting '", key, "' cannot take the value ", value.dump(), " (it is ", it->second.get(o).dump(),
         " now)");
  }
}

void apply_pipeline_setting(PipelineOptions& o, const std::string& kv) {
  const auto eq = kv.find('=');
  TMF_CHECK(eq != std::string::npos && eq > 0, "a setting is key=value, got '", kv, "'");
  const std::string key = kv.substr(0, eq), text = kv.substr(eq + 1);
  apply_pipeline_setting(o, key, parse_setting_value(text, "setting " + key));
}

nlohmann::json pipeline_settings(const PipelineOptions& o) {
  nlohmann::json j = nlohmann::json::object();
  for (auto& [k, f] : table()) j[k] = f.get(o);
  return j;
}

}  // namespace tmf
