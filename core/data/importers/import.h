// Importers from raw logs into a dataset (`tmf data import --format F`). Every importer streams its
// input, reports progress and honours the cancel flag, and writes through one DatasetWriter
// transaction: an error, a cancel or a killed process leaves the dataset exactly as it was.
// A malformed row is counted and reported with its line number and reason, and the good rows are
// kept; a file of the wrong format fails at once with a message naming the expected format.
#pragma once
#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "data/dataset.h"
#include "util/progress.h"

namespace tmf {

struct MalformedRow {
  std::string file;
  int64_t line = 0;
  std::string reason;
};

struct ImportReport {
  std::string format;
  int64_t rows_read = 0;
  int64_t rows_ok = 0;
  int64_t malformed_count = 0;
  std::vector<MalformedRow> malformed;  // the first kMaxListed, all are counted
  int64_t items_added = 0, users_added = 0, events_added = 0;
  double seconds = 0;
  static constexpr size_t kMaxListed = 1000;

  void bad(const std::string& file, int64_t line, const std::string& reason);
  std::string summary() const;  // human-readable, lists up to 20 malformed rows
};

// Rating -> behavior mapping, e.g. "1-2:dislike,3:neutral,4-5:like" with target "like".
struct RatingMapping {
  struct Range {
    double lo, hi;
    std::string behavior;
  };
  std::vector<Range> ranges;
  std::vector<std::string> behaviors;  // vocabulary order (first appearance in the spec)
  std::string target;
  static RatingMapping parse(const std::string& spec, const std::string& target);
  static RatingMapping default_ratings() { return parse("1-2:dislike,3:neutral,4-5:like", "like"); }
  const std::string* behavior_for(double rating) const;  // null when no range matches
};

struct RecboleOptions {
  RatingMapping mapping = RatingMapping::default_ratings();
  std::string behavior_field;  // use this .inter field as the behavior name instead of ratings
  std::string target;          // target behavior when behavior_field is used
};
// `input`: a directory holding <name>.inter (+ optional .item/.user), or the .inter path.
ImportReport import_recbole(Dataset& ds, const std::string& input, const RecboleOptions& opts, const Progress& progress);

// Retailrocket events.csv: timestamp (ms), visitorid, event in {view, addtocart, transaction},
// itemid, transactionid. Behaviors: view, add to cart, purchase (target).
ImportReport import_retailrocket(Dataset& ds, const std::string& events_csv, const Progress& progress);

// Taobao UserBehavior.csv (no header): user, item, category, behavior in {pv, cart, fav, buy}, unix
// seconds. Behaviors: view, favorite, add to cart, purchase (target).
ImportReport import_taobao(Dataset& ds, const std::string& csv, const Progress& progress);

// Generic CSV or JSON-lines events plus an optional item catalog, with a column mapping.
struct GenericOptions {
  std::string events_path;
  std::string events_format;                 // "csv" | "jsonl" (default: from the extension)
  char csv_sep = ',';
  std::map<std::string, std::string> event_map;  // user, item, behavior, time -> source column
  std::string time_format = "unix";          // "unix" | "unix_ms" | "iso8601" | "index"
  std::vector<std::string> behaviors;        // vocabulary in order; required
  std::string target;                        // required
  std::map<std::string, std::string> behavior_aliases;  // source value -> vocabulary name
  std::string catalog_path;                  // optional
  std::string catalog_format;                // "csv" | "jsonl"
  std::map<std::string, std::string> catalog_map;  // id, title, brand, categories, description, image
  std::string categories_sep = "|";
};
ImportReport import_generic(Dataset& ds, const GenericOptions& opts, const Progress& progress);

class DatasetWriter;
// The end of every import: counts from the writer, a last cancel check, the commit (the only point
// where the dataset changes), the final progress report and the wall time since t0.
void commit_import(ImportReport& rep, DatasetWriter& w, const Progress& progress,
                   std::chrono::steady_clock::time_point t0);

// "user=uid,item=sku" -> map; throws on malformed specs.
std::map<std::string, std::string> parse_mapping(const std::string& spec, const std::string& what);

}  // namespace tmf
