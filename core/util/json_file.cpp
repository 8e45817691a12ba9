#include "util/json_file.h"

#include "util/error.h"
#include "util/strings.h"

namespace tmf {

nlohmann::json read_json_file(const std::string& path) {
  try {
    return nlohmann::json::parse(read_file(path));
  } catch (const nlohmann::json::exception& e) {
    fail(path, ": invalid JSON: ", e.what());
  }
}

}  // namespace tmf
