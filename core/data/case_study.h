// Case studies (paper §5.5, Fig. 4): an analyst's synthetic behavior sequence with its target
// behavior, candidate list, optional expected answer and notes, stored in the dataset file
// (tables case_studies and case_items). Items the analyst made up (an image of their own and a
// text) are stored in case_items and referred to in the sequence and the candidates by negative
// ids (-1, -2, ...) that are local to the case study; dataset items keep their dataset ids.
//
// Torch-free and Qt-free: the views include this header. Embeddings of new items are not stored;
// the inference session computes them on the fly.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace tmf {

class Dataset;

struct CaseStep {
  int64_t item_id = 0;      // dataset item id (> 0) or a new item's negative id
  int64_t behavior_id = 0;  // dataset behavior id
  bool operator==(const CaseStep& o) const { return item_id == o.item_id && behavior_id == o.behavior_id; }
};

struct CaseItem {
  int64_t id = -1;                 // negative, unique within the case study
  std::string name;
  std::string text;
  std::vector<uint8_t> image;      // PNG/JPEG bytes, or empty
  std::string image_format;        // "png" | "jpeg" | ""
};

struct CaseStudy {
  int64_t id = 0;                  // 0 = not stored yet
  std::string name;
  std::string notes;
  std::vector<CaseStep> steps;     // oldest first
  int64_t target_behavior = 0;
  std::vector<int64_t> candidates; // presentation order
  int64_t candidate_seed = 0;      // the seed the candidates were drawn with (0 = hand-made)
  int expected = -1;               // index into candidates, or -1
  std::vector<CaseItem> new_items;
  std::string created, updated;    // ISO 8601, set by save_case_study
};

struct CaseStudySummary {
  int64_t id = 0;
  std::string name;
  std::string updated;
  int64_t steps = 0;
};

// Inserts (id == 0) or replaces (id > 0) the case study in one transaction and returns its id.
// Checks that dataset item ids exist, that negative ids name a new item, that every behavior id
// is in the vocabulary and that `expected` indexes the candidates; images are probed.
int64_t save_case_study(Dataset& ds, CaseStudy& cs);
CaseStudy load_case_study(const Dataset& ds, int64_t id);  // throws when absent or malformed
std::vector<CaseStudySummary> list_case_studies(const Dataset& ds);  // by name, then id
void delete_case_study(Dataset& ds, int64_t id);

}  // namespace tmf
