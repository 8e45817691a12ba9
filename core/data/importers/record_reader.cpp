#include "data/importers/record_reader.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include "util/error.h"

namespace tmf {

LineReader::LineReader(const std::string& path) : path_(path) {
  struct stat st;
  TMF_CHECK(::stat(path.c_str(), &st) == 0, "cannot open '", path, "': ", std::strerror(errno));
  TMF_CHECK(S_ISREG(st.st_mode), "'", path, "' is not a regular file");
  size_ = uint64_t(st.st_size);
  in_.open(path, std::ios::binary);
  TMF_CHECK(bool(in_), "cannot open '", path, "': ", std::strerror(errno));
}

bool LineReader::next(std::string& line) {
  if (!std::getline(in_, line)) return false;
  ++line_no_;
  if (!line.empty() && line.back() == '\r') line.pop_back();
  if (line_no_ == 1 && line.size() >= 3 && line.compare(0, 3, "\xEF\xBB\xBF") == 0) line.erase(0, 3);  // BOM
  return true;
}

LineReader::Mark LineReader::mark() { return Mark{in_.tellg(), line_no_}; }

void LineReader::reset(const Mark& m) {
  in_.clear();
  in_.seekg(m.pos);
  line_no_ = m.line_no;
}

double LineReader::fraction() {
  if (size_ == 0) return 1;
  auto pos = in_.tellg();
  return pos < 0 ? 1.0 : double(pos) / double(size_);
}

bool parse_csv_line(const std::string& line, char sep, std::vector<std::string>& fields) {
  fields.clear();
  std::string cur;
  bool quoted = false, in_field_quote = false;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (in_field_quote) {
      if (c == '"') {
        if (i + 1 < line.size() && line[i + 1] == '"') {
          cur += '"';
          ++i;
        } else {
          in_field_quote = false;
        }
      } else {
        cur += c;
      }
    } else if (c == '"' && cur.empty() && !quoted) {
      in_field_quote = quoted = true;
    } else if (c == sep) {
      fields.push_back(std::move(cur));
      cur.clear();
      quoted = false;
    } else {
      cur += c;
    }
  }
  fields.push_back(std::move(cur));
  return !in_field_quote;
}

CsvReader::CsvReader(const std::string& path, char sep) : lines_(path), sep_(sep) {}

bool CsvReader::next(std::vector<std::string>& fields) {
  std::string line;
  if (!lines_.next(line)) return false;
  start_line_ = lines_.line_no();
  std::string record = line;
  while (!parse_csv_line(record, sep_, fields)) {
    if (!lines_.next(line))
      fail("'", lines_.path(), "' line ", start_line_, ": a quoted field is never closed");
    record += '\n';
    record += line;
    if (record.size() > (1u << 24))
      fail("'", lines_.path(), "' line ", start_line_, ": a quoted field runs over 16 MB (unbalanced quote?)");
  }
  return true;
}

}  // namespace tmf
