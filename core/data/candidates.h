// Candidate sets (paper §5.1): for every validation and test row of a split, the ground truth plus
// N items (default 10) the user never interacted with, drawn with a seeded RNG ONCE and stored,
// so that every model and every run is scored on the same sets. Mode `hard` draws the negatives
// from the target's own (most specific) category, topping up from the whole catalog when the
// category is too small. The ground truth's position in the list is drawn too. The draw for a row
// depends only on (seed, user, part), so the same seed gives identical sets.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "data/dataset.h"
#include "util/progress.h"

namespace tmf {

struct CandidateOptions {
  std::string split = "default";
  std::string name = "default";
  std::string mode = "random";  // "random" | "hard"
  uint64_t seed = 42;
  int num_negatives = 10;
  bool replace = false;
};

struct CandidateSummary {
  int64_t set_id = 0;
  int64_t rows = 0;
  int64_t topped_up = 0;  // hard mode: rows whose category had too few items
};

struct CandidateRow {
  int64_t row_id = 0;
  int64_t user_id = 0;
  std::string part;
  std::vector<int64_t> items;  // presentation order
  int truth_pos = 0;
  int64_t truth() const { return items[size_t(truth_pos)]; }
};

CandidateSummary make_candidates(Dataset& ds, const CandidateOptions& opts, const Progress& progress = {});
int64_t candidate_set_id(const Dataset& ds, const std::string& split, const std::string& name);
std::vector<CandidateRow> load_candidates(const Dataset& ds, int64_t set_id, const std::string& part);

}  // namespace tmf
