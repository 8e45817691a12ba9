#include "llm/lora_config.h"

#include <cmath>

#include "util/error.h"

namespace tmf {

const std::set<std::string>& lora_target_names() {
  static const std::set<std::string> names = {"q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"};
  return names;
}

AdapterConfig parse_adapter_config(const nlohmann::json& j, const std::string& cfg_path, int64_t num_layers) {
  TMF_CHECK(j.is_object(), cfg_path, ": not a JSON object");
  auto is_set = [&](const char* k) {
    return j.contains(k) && !j[k].is_null() && !(j[k].is_boolean() && !j[k].get<bool>()) &&
           !(j[k].is_object() && j[k].empty()) && !(j[k].is_array() && j[k].empty());
  };
  AdapterConfig out;
  LoraConfig& cfg = out.lora;
  std::set<std::string>& wanted_modules = out.target_modules;
  std::set<int64_t>& wanted_layers = out.layers;
  try {
    TMF_CHECK(j.value("peft_type", std::string("LORA")) == "LORA", cfg_path, ": peft_type '",
              j.value("peft_type", std::string()), "' is not LORA");
    TMF_CHECK(j.contains("r") && j["r"].is_number_integer(), cfg_path, ": required field 'r' is missing or not an integer",
              j.contains("r") ? " (" + j["r"].dump() + ")" : std::string());
    cfg.r = j["r"];
    TMF_CHECK(cfg.r > 0 && cfg.r <= 65536, cfg_path, ": r must be in [1, 65536], got ", cfg.r);
    auto number = [&](const char* k, double def) {
      if (!j.contains(k) || j[k].is_null()) return def;
      TMF_CHECK(j[k].is_number(), cfg_path, ": '", k, "' must be a number, got ", j[k].dump());
      return j[k].get<double>();
    };
    cfg.alpha = number("lora_alpha", 8.0);
    TMF_CHECK(std::isfinite(cfg.alpha), cfg_path, ": lora_alpha must be finite, got ", cfg.alpha);
    cfg.dropout = number("lora_dropout", 0.0);
    TMF_CHECK(cfg.dropout >= 0 && cfg.dropout < 1, cfg_path, ": lora_dropout must be in [0, 1), got ", cfg.dropout);
    if (j.contains("use_rslora") && !j["use_rslora"].is_null()) {
      TMF_CHECK(j["use_rslora"].is_boolean(), cfg_path, ": 'use_rslora' must be true/false, got ", j["use_rslora"].dump());
      cfg.use_rslora = j["use_rslora"].get<bool>();
    }
    for (const char* k : {"use_dora", "fan_in_fan_out", "rank_pattern", "alpha_pattern", "modules_to_save",
                          "lora_bias", "trainable_token_indices", "layer_replication", "exclude_modules",
                          "target_parameters"})
      TMF_CHECK(!is_set(k), cfg_path, ": '", k, "' = ", j[k].dump(), " is not supported");
    // target_modules: PEFT's list of module names, or "all-linear"; a regular expression is refused.
    if (j.contains("target_modules") && !j["target_modules"].is_null()) {
      const auto& t = j["target_modules"];
      if (t.is_string()) {
        TMF_CHECK(t.get<std::string>() == "all-linear", cfg_path, ": target_modules '", t.get<std::string>(),
                  "' is a regular expression, which is not supported; list the module names (q_proj, v_proj, ...)");
        wanted_modules.insert(lora_target_names().begin(), lora_target_names().end());
      } else {
        TMF_CHECK(t.is_array() && !t.empty(), cfg_path, ": target_modules must be a list of module names, got ", t.dump());
        for (const auto& name : t) {
          TMF_CHECK(name.is_string() && lora_target_names().count(name.get<std::string>()), cfg_path, ": target_modules entry ",
                    name.dump(), " is not one of q_proj k_proj v_proj o_proj gate_proj up_proj down_proj");
          wanted_modules.insert(name.get<std::string>());
        }
      }
    }
    // layers_to_transform: one layer index or a list of them (PEFT); every other layer has no adapter.
    if (j.contains("layers_to_transform") && !j["layers_to_transform"].is_null()) {
      const auto& l = j["layers_to_transform"];
      const int64_t L = num_layers;
      std::vector<nlohmann::json> items = l.is_array() ? l.get<std::vector<nlohmann::json>>() : std::vector<nlohmann::json>{l};
      TMF_CHECK(!items.empty(), cfg_path, ": layers_to_transform is an empty list");
      for (const auto& x : items) {
        TMF_CHECK(x.is_number_integer() && x.get<int64_t>() >= 0 && x.get<int64_t>() < L, cfg_path,
                  ": layers_to_transform entry ", x.dump(), " is not a layer index of this model [0, ", L, ")");
        wanted_layers.insert(x.get<int64_t>());
      }
    }
    if (is_set("layers_pattern")) {
      const auto& lp = j["layers_pattern"];
      const bool is_layers = (lp.is_string() && lp.get<std::string>() == "layers") ||
                             (lp.is_array() && lp.size() == 1 && lp[0] == "layers");
      TMF_CHECK(is_layers, cfg_path, ": layers_pattern ", lp.dump(), " is not supported (Llama's layers are 'layers')");
    }
    TMF_CHECK(j.value("bias", std::string("none")) == "none", cfg_path, ": bias '", j.value("bias", std::string()),
              "' is not supported (only none)");
  } catch (const nlohmann::json::exception& e) {
    fail(cfg_path, ": ", e.what());
  }
  if (!wanted_modules.empty()) cfg.target_modules.assign(wanted_modules.begin(), wanted_modules.end());
  return out;
}

nlohmann::json adapter_config_to_json(const LoraConfig& cfg) {
  nlohmann::json j;
  j["peft_type"] = "LORA";
  j["task_type"] = "CAUSAL_LM";
  j["r"] = cfg.r;
  j["lora_alpha"] = cfg.alpha;
  j["lora_dropout"] = cfg.dropout;
  j["use_rslora"] = cfg.use_rslora;
  j["target_modules"] = cfg.target_modules;
  j["bias"] = "none";
  j["fan_in_fan_out"] = false;
  j["use_dora"] = false;
  j["inference_mode"] = true;
  j["init_lora_weights"] = true;
  j["modules_to_save"] = nullptr;
  j["rank_pattern"] = nlohmann::json::object();
  j["alpha_pattern"] = nlohmann::json::object();
  j["base_model_name_or_path"] = nullptr;
  j["layers_to_transform"] = nullptr;
  return j;
}

}  // namespace tmf
