// Streaming readers for importers: text lines with line numbers and byte progress, and RFC 4180
// CSV records (quoted fields, doubled quotes, separators and newlines inside quotes).
#pragma once
#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

namespace tmf {

class LineReader {
 public:
  explicit LineReader(const std::string& path);  // throws naming the path when it cannot open
  bool next(std::string& line);                   // strips "\n" and "\r\n"
  int64_t line_no() const { return line_no_; }     // 1-based number of the line just read
  double fraction() ;                              // bytes read / file size
  uint64_t size() const { return size_; }
  // Where the next line starts, and a return there (to re-read lines after a bad record).
  struct Mark {
    std::streampos pos;
    int64_t line_no;
  };
  Mark mark();
  void reset(const Mark& m);
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::ifstream in_;
  int64_t line_no_ = 0;
  uint64_t size_ = 0;
};

class CsvReader {
 public:
  CsvReader(const std::string& path, char sep = ',');
  // Reads one record; false at end of file. Throws for an unterminated quote at end of file.
  bool next(std::vector<std::string>& fields);
  int64_t line_no() const { return start_line_; }  // line where the record starts
  double fraction() { return lines_.fraction(); }
  const std::string& path() const { return lines_.path(); }

 private:
  LineReader lines_;
  char sep_;
  int64_t start_line_ = 0;
};

// Parses one CSV line (no embedded newlines) into fields; false when a quote is left open.
bool parse_csv_line(const std::string& line, char sep, std::vector<std::string>& fields);

}  // namespace tmf
