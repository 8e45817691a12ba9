// Helpers of the baselines' saved model directories (DIR/config.json + DIR/model.safetensors).
#pragma once
#include <string>

#include <nlohmann/json.hpp>

#include "data/dataset.h"

namespace tmf {

// Writes JSON to path through a temp file + rename, so a crash never leaves half a config.
void write_json_atomically(const std::string& path, const nlohmann::json& j);

// Fails naming both datasets when `config` (DIR/config.json) records another dataset's content
// hash than `ds`'s; returns ds's hash.
std::string check_trained_on(const nlohmann::json& config, const Dataset& ds, const std::string& dir);

}  // namespace tmf
