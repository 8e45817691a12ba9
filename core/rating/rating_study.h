// A blind human rating study (paper §5.4, design tmf.md §5) stored in a dataset file: sampled
// test sequences of a split, two or more recommendation sources with one recommended item per
// sequence each, and the raters. Ratings themselves are written by RaterSession (rater_session.h)
// and imported by rating_csv.h; results are computed by rating_stats.h.
//
// A study lives in ONE dataset file. A study across datasets (the paper's three) is one study of
// the same name in each dataset file; results combine them per (source, dataset).
//
// Sources are analyst-facing only; nothing here is ever handed to a rater. Any producer (a TMF
// package, see tmf_recommendations.h; a baseline; a CSV made elsewhere) writes a source's
// recommendations through add_source(); the kind is free text ("tmf", "baseline", "csv").
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "data/dataset.h"

namespace tmf {

struct RatingStudySpec {
  std::string name;
  std::string split = "default";
  std::string candidates = "default";  // candidate set model sources choose from; "" = none
  int n_sequences = 100;                // per dataset; fewer when the split has fewer test rows
  uint64_t seed = 42;                   // sampling and each rater's order
  std::vector<std::string> raters;      // names or codes
};

struct RatingStudy {
  int64_t id = 0;
  std::string name, split, candidates, created;
  int n_sequences = 0;   // asked for
  int64_t sampled = 0;   // stored sequences
  uint64_t seed = 0;
};

struct RatingSequence {
  int64_t id = 0;
  int position = 0;
  int64_t user_id = 0;
  int64_t split_row_id = 0;           // 0 when the split row was deleted since
  std::vector<int64_t> history;       // event ids, oldest first
};

struct RatingSource {
  int64_t id = 0;
  std::string name, kind, origin;
  int64_t recommendations = 0;
};

struct Rater {
  int64_t id = 0;
  std::string name;
};

struct Recommendation {
  int64_t sequence_id = 0;
  int64_t item_id = 0;
};

// Samples the sequences (seeded, without replacement, from test rows with a history and, when a
// candidate set is named, with a candidate row) and registers the raters, in one transaction.
// Throws when the name is taken, the split/candidate set is unknown, or nothing can be sampled.
int64_t create_study(Dataset& ds, const RatingStudySpec& spec);
void delete_study(Dataset& ds, const std::string& name);
std::vector<RatingStudy> list_studies(const Dataset& ds);
RatingStudy find_study(const Dataset& ds, const std::string& name);  // throws listing known studies
bool has_study(const Dataset& ds, const std::string& name);

std::vector<RatingSequence> study_sequences(const Dataset& ds, int64_t study_id);
std::vector<Event> events_of(const Dataset& ds, const std::vector<int64_t>& event_ids);

int64_t add_rater(Dataset& ds, int64_t study_id, const std::string& name);  // existing id or new
std::vector<Rater> study_raters(const Dataset& ds, int64_t study_id);
int64_t rater_id(const Dataset& ds, int64_t study_id, const std::string& name);  // throws listing raters

// Stores a source and its recommendations in one transaction. Every sequence_id must belong to
// the study and appear at most once; item ids must exist. `replace` swaps an existing source of
// that name (its recommendations; ratings stay, keyed by item). Returns the source id.
int64_t add_source(Dataset& ds, int64_t study_id, const std::string& name, const std::string& kind,
                   const std::string& origin, const std::vector<Recommendation>& recs, bool replace = false);
std::vector<RatingSource> study_sources(const Dataset& ds, int64_t study_id);
std::vector<Recommendation> source_recommendations(const Dataset& ds, int64_t source_id);

// A CSV of `user,item` (external ids, header row required, extra columns ignored) made elsewhere.
// Rows for users outside the sample are counted and ignored; unknown items are an error naming the
// line; a sampled sequence without a row is counted in `missing`.
struct CsvRecommendations {
  std::vector<Recommendation> recs;
  int64_t ignored_rows = 0;  // users not in the sample
  int64_t missing = 0;       // sampled sequences the CSV does not cover
};
CsvRecommendations read_recommendations_csv(const Dataset& ds, int64_t study_id, const std::string& path);

}  // namespace tmf
