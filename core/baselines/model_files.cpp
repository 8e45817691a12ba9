#include "baselines/model_files.h"

#include "util/error.h"

namespace tmf {

std::string check_trained_on(const nlohmann::json& config, const Dataset& ds, const std::string& dir) {
  const std::string hash = ds.content_hash();
  TMF_CHECK(config.value("dataset_hash", "") == hash, "model ", dir, " was trained on dataset '",
            config.value("dataset_name", ""), "' (", config.value("dataset_hash", "").substr(0, 12), "), not on ",
            ds.path(), " (", hash.substr(0, 12), ")");
  return hash;
}

}  // namespace tmf
