// Interchange of rating studies: ratings as CSV (export, and import of ratings collected
// elsewhere, merged with a report of every conflict), and results (rating_stats.h) as CSV/JSON.
//
// Ratings CSV: header `[dataset,]rater,user,item,score[,sources,origin,updated]`; user and item are
// external ids, score 1..5 (empty or "skip" = skipped). Export writes every column: `dataset` (the
// dataset's name, so exports of several datasets can be concatenated), `sources` ('|'-separated,
// for analysts; never shown to raters), origin and updated. Import reads rater, user, item, score
// and, when present, dataset (rows of another dataset are rejected); other columns are ignored. Import runs in one transaction: a file that cannot be read changes
// nothing. Per row: unknown raters are added to the study; a user outside the sample or an item
// that no source recommended for that user is rejected (line and reason reported); a rating that
// differs from the stored one is a conflict — the stored one is kept unless `overwrite`.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "data/dataset.h"
#include "rating/rating_stats.h"

namespace tmf {

std::string ratings_csv(const Dataset& ds, const std::string& study);

struct RatingConflict {
  int64_t line = 0;
  std::string rater, user, item;
  int stored = 0, incoming = 0;  // 0 = skipped
  bool overwritten = false;
};

struct RatingImportReport {
  int64_t rows = 0;
  int64_t added = 0;        // new ratings (or a skip turned into a score)
  int64_t unchanged = 0;    // same score already stored
  int64_t skips = 0;        // skip rows stored or already present
  int64_t new_raters = 0;
  std::vector<RatingConflict> conflicts;
  std::vector<std::string> rejected;  // "line 7: user 'u9' is not in the study's sample"
  std::string summary() const;        // several lines, every conflict and rejection listed
};

RatingImportReport import_ratings_csv(Dataset& ds, const std::string& study, const std::string& path,
                                      bool overwrite = false);

// Table 4 rows (one per source and dataset) as CSV and JSON.
std::string stats_csv(const std::vector<SourceRatingStats>& rows);
nlohmann::json stats_json(const std::vector<SourceRatingStats>& rows);

// RFC 4180 field quoting (quotes when the field holds a comma, quote or newline).
std::string csv_field(const std::string& s);

}  // namespace tmf
