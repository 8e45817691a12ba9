// Stored evaluation runs (table eval_runs): every `tmf eval`, `tmf ablate` and `tmf bench quality`
// run writes one row, so the app's Experiments panel can rebuild Tables 2 and 3 from the dataset.
// Torch-free: the views include this header.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "prompt/answer_match.h"

namespace tmf {

class Dataset;

struct EvalRun {
  int64_t id = 0;
  std::string created;      // ISO 8601, set by store_eval_run when empty
  std::string model_name;   // e.g. the package path or "sasrec"
  std::string model_kind;   // "tmf", "mbht", "sasrec", "gru4rec", ...
  std::string model_hash;
  std::string level;        // TMF ablation level ("text", "behavior", "amsa", "cma"), else ""
  int64_t candidate_set_id = 0;  // 0 = none
  std::string part = "test";
  std::string decode;       // TMF decoding mode; "" for ranking models
  int64_t seed = 0;
  HitStats stats;
  std::string settings = "{}";  // JSON
  double wall_seconds = 0;
};

// Inserts `run` and returns its id.
int64_t store_eval_run(Dataset& ds, const EvalRun& run);
// Every stored run, oldest first (optionally only one model kind).
std::vector<EvalRun> list_eval_runs(const Dataset& ds, const std::string& model_kind = "");

}  // namespace tmf
