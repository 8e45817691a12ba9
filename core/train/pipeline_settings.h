// Named settings of a training pipeline (`tmf train --set tune.lr=0.002`, the experiment log's
// recipes): one table from "group.key" to a field of PipelineOptions, so every knob of the recipe
// can be set from the command line and is written into the package's tmf.json as it was used.
#pragma once
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "train/tmf_pipeline.h"

namespace tmf {

// Sets one field; throws naming the key (and the known keys) or a value of the wrong type.
void apply_pipeline_setting(PipelineOptions& o, const std::string& key, const nlohmann::json& value);
// "key=value" (value parsed as JSON, else taken as a string).
void apply_pipeline_setting(PipelineOptions& o, const std::string& key_eq_value);
// Every setting with its current value.
nlohmann::json pipeline_settings(const PipelineOptions& o);
std::vector<std::string> pipeline_setting_keys();

}  // namespace tmf
