// Small string helpers shared by importers, prompts and the CLI.
#pragma once
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace tmf {

std::vector<std::string_view> split(std::string_view s, char sep);
std::vector<std::string> split_ws(std::string_view s);  // on runs of spaces/tabs
std::string_view trim(std::string_view s);
std::string lower(std::string_view s);
std::string join(const std::vector<std::string>& parts, std::string_view sep);
bool starts_with(std::string_view s, std::string_view prefix);
bool ends_with(std::string_view s, std::string_view suffix);
// Text that ids, names and rater codes may hold: valid UTF-8 without NUL bytes. Returns "" when `s`
// is such text, else what is wrong and where ("a NUL byte at byte 4", "invalid UTF-8 at byte 7").
std::string text_problem(std::string_view s);
// Throws tmf::Error "<what> '<s, escaped>': <problem>" when text_problem(s) is not empty.
void check_text(std::string_view s, const std::string& what);
// Strict numeric parsing: the whole (trimmed) field must be a number; returns false otherwise.
bool parse_int64(std::string_view s, long long& out);
bool parse_double(std::string_view s, double& out);
// Reads a whole file; throws tmf::Error naming the path when it cannot.
std::string read_file(const std::string& path);
// Writes atomically: a temporary file beside the target, fsync, then rename. On any failure (or an
// exception from `fill`) the temporary is removed and `path` is left as it was.
void write_file_atomic(const std::string& path, std::string_view data);
// The same for a file written in pieces: `fill` calls its argument with each run of bytes.
using WriteBytes = std::function<void(const void* data, size_t size)>;
void write_file_atomic(const std::string& path, const std::function<void(const WriteBytes&)>& fill);

}  // namespace tmf
