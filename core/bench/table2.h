// TMF paper Table 2 on any datasets under one protocol (`tmf bench quality`): every model is
// trained on the split's training examples (early stopping on the validation candidates) and
// evaluated on the SAME stored test candidate set, over several seeds. Each evaluation is stored
// in the dataset (eval_runs: model_kind, seed, candidate set, settings under "bench": "quality"),
// which also makes a run resumable: a (model, dataset, seed) with a stored run made with the same
// settings (and, for the LLM models, the same number of test rows) is not retrained unless redo.
// Models: the baselines of core/baselines (recommender_kinds()) and tmf (the full model through the
// same pipeline), the LLM models (tmf, llara, text-llm) with one row per decoding mode.
// The report is HitRate@1 over all test rows and ValidRatio, mean ± std over seeds, as Markdown
// (per dataset the best HitRate@1 in bold, the second underlined), CSV and JSON.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tmf/decode_mode.h"
#include "util/progress.h"

namespace tmf {

struct Table2Options {
  std::vector<std::string> models;                  // recommender kinds and "tmf"; empty: every one
  std::vector<uint64_t> seeds{0, 1, 2};
  std::string split = "default", candidates = "default";
  std::string work;                                 // empty: FILE.bench beside each dataset; else work/<stem>
  std::map<std::string, nlohmann::json> overrides;  // per kind: settings over its defaults
  std::vector<DecodeMode> decodes{DecodeMode::Constrained, DecodeMode::Free};  // of the LLM models
  int64_t llm_limit = 0;                            // the LLM models: first N test rows only (0: all)
  std::string device = "cpu";                       // resolved
  int threads = 1;                                  // CPU intra-op threads of the ranking models
  bool redo = false;
  std::function<void(const std::string&)> log;      // one line per training and evaluation
};

struct Table2Cell {
  std::vector<double> hr, valid;  // per seed
  std::set<int64_t> rows;         // test rows evaluated per seed (the LLM models: llm_limit)
  double seconds = 0;             // stored training + evaluation time over the seeds
};

struct Table2Report {
  std::vector<std::string> datasets;                           // names, in the order given
  std::vector<std::string> rows;                               // "kind" or "kind (decode)", in order
  std::map<std::string, std::map<std::string, Table2Cell>> cells;  // row -> dataset -> cell
  std::vector<uint64_t> seeds;
  std::string split, candidates;
  double wall_seconds = 0;                                     // this run's wall time

  std::string markdown() const;
  std::string csv() const;
  nlohmann::json json() const;
};

// Every model kind, as `models` defaults to.
std::vector<std::string> table2_models();

Table2Report run_table2(const std::vector<std::string>& dataset_paths, const Table2Options& opts,
                        const Progress& progress = {});

}  // namespace tmf
