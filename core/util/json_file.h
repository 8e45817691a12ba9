// JSON files: reading (a missing or unreadable file or invalid JSON throws tmf::Error naming the
// file) and writing atomically (util/strings.h write_file_atomic), so a crash never leaves half a file.
// Every parse of JSON that comes from outside (files, rows, headers, command lines) first bounds
// its nesting: nlohmann's parser and serializer recurse once per level, so a document nested some
// 60,000 levels deep overflows the stack. check_json_depth refuses it with a clear error instead.
#pragma once
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace tmf {
// Deepest nesting of arrays/objects accepted; TMF's own files nest fewer than 10 levels.
constexpr int kMaxJsonDepth = 256;
// Throws tmf::Error "<what>: JSON nested deeper than N levels (line L)" when `text` nests deeper
// than max_depth (brackets inside strings do not count). Linear, no allocation.
void check_json_depth(std::string_view text, const std::string& what, int max_depth = kMaxJsonDepth);
// check_json_depth, then parse; invalid JSON throws tmf::Error naming `what`.
nlohmann::json parse_json(std::string_view text, const std::string& what);
// The value of a key=value setting on a command line: JSON where it parses (3, 0.5, true, [1,2]),
// else the text itself as a string; nesting bounded like any outside JSON.
nlohmann::json parse_setting_value(const std::string& text, const std::string& what);
nlohmann::json read_json_file(const std::string& path);
void write_json_atomically(const std::string& path, const nlohmann::json& j);
}  // namespace tmf
