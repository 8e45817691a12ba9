// Reads a JSON file; a missing or unreadable file or invalid JSON throws tmf::Error naming the file.
#pragma once
#include <string>

#include <nlohmann/json.hpp>

namespace tmf {
nlohmann::json read_json_file(const std::string& path);
}  // namespace tmf
