// Helpers of the baselines' saved model directories (DIR/config.json + DIR/model.safetensors);
// config.json is written with util/json_file.h write_json_atomically.
#pragma once
#include <string>

#include <nlohmann/json.hpp>

#include "data/dataset.h"
#include "util/json_file.h"

namespace tmf {

// Fails naming both datasets when `config` (DIR/config.json) records another dataset's content
// hash than `ds`'s; returns ds's hash.
std::string check_trained_on(const nlohmann::json& config, const Dataset& ds, const std::string& dir);

}  // namespace tmf
