// adapter_config.json, PEFT's LoRA settings (llm/lora.h attaches the adapters): the settings, the
// one reader that checks every field a PEFT folder may set before any weight is read, and the
// writer. Torch-free, so the reader is fuzzed on its own (tests/fuzz/fuzz_configs.cpp).
#pragma once
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace tmf {

struct LoraConfig {
  int64_t r = 8;
  double alpha = 16;
  double dropout = 0.0;
  bool use_rslora = false;
  // Module names as PEFT writes them: any of lora_target_names().
  std::vector<std::string> target_modules{"q_proj", "v_proj"};
};

// The Llama linear layers an adapter may target: q_proj k_proj v_proj o_proj gate_proj up_proj down_proj.
const std::set<std::string>& lora_target_names();

// What adapter_config.json asks for.
struct AdapterConfig {
  LoraConfig lora;                       // r, alpha, dropout, rsLoRA (target_modules: see below)
  std::set<std::string> target_modules;  // the modules that must carry an adapter; empty: as the weights say
  std::set<int64_t> layers;              // layers_to_transform; empty: every layer
};

// Reads a parsed adapter_config.json of a backbone with `num_layers` layers. `path` names the file
// in errors. Throws tmf::Error naming the file and the field for a wrong type, a value out of
// range, a regular expression in target_modules and every PEFT feature we do not implement.
AdapterConfig parse_adapter_config(const nlohmann::json& j, const std::string& path, int64_t num_layers);

// adapter_config.json as PEFT writes it for `cfg` (every layer, inference mode).
nlohmann::json adapter_config_to_json(const LoraConfig& cfg);

}  // namespace tmf
