// Helpers of the baselines' saved model directories (DIR/config.json + DIR/model.safetensors).
#pragma once
#include <string>

#include <nlohmann/json.hpp>

#include "data/dataset.h"

namespace tmf {

// Fails naming both datasets when `config` (DIR/config.json) records another dataset's content
// hash than `ds`'s; returns ds's hash.
std::string check_trained_on(const nlohmann::json& config, const Dataset& ds, const std::string& dir);

}  // namespace tmf
