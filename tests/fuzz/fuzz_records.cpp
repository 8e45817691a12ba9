// libFuzzer target: importer record readers on a file of the fuzzer's bytes: CSV records (quoted
// fields, newlines in quotes), tab-separated lines, JSON lines with the depth check, and the text
// check every stored id goes through.
#include "data/importers/record_reader.h"
#include "fuzz_util.h"
#include "util/json_file.h"
#include "util/strings.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  tmf::fuzz::MemFile file(data, size);
  tmf::fuzz::expect_clean([&] {
    tmf::CsvReader csv(file.path());
    std::vector<std::string> fields;
    while (csv.next(fields))
      for (const auto& f : fields) (void)tmf::text_problem(f);
  });
  tmf::fuzz::expect_clean([&] {
    tmf::LineReader lines(file.path());
    std::string line;
    std::vector<std::string> fields;
    while (lines.next(line)) {
      (void)tmf::parse_csv_line(line, ',', fields);
      (void)tmf::split(line, '\t');
      tmf::fuzz::expect_clean([&] {  // as the JSON-lines reader: depth check, then parse (no throw)
        tmf::check_json_depth(line, "line");
        (void)nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
      });
      long long v;
      double d;
      (void)tmf::parse_int64(line, v);
      (void)tmf::parse_double(line, d);
    }
  });
  return 0;
}
