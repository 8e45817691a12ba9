// JSON files: reading (a missing or unreadable file or invalid JSON throws tmf::Error naming the
// file) and writing atomically (util/strings.h write_file_atomic), so a crash never leaves half a file.
#pragma once
#include <string>

#include <nlohmann/json.hpp>

namespace tmf {
nlohmann::json read_json_file(const std::string& path);
void write_json_atomically(const std::string& path, const nlohmann::json& j);
}  // namespace tmf
