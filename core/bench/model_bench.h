// The model-quality benchmark (`tmf bench model`): does the TMF model that `tmf train` builds
// recommend? On each dataset, over several training seeds, all on the same stored candidate sets:
//   - the Table 3 ladder of TMF (eval/ablation.h: text only; + behavior tokens; + item tokens
//     (AMSA); + CMA = full TMF), each level in every decoding mode asked for (free generation, the
//     paper's mode, and constrained decoding over the candidates);
//   - reference rows from baselines/recommender.h trained on the same split with the same seeds
//     (MostPop and MBHT by default; SASRec or any other kind on request);
//   - the checks of the recipe's acceptance (docs/model-recipe.md), on means over seeds: full TMF
//     beats every reference row with constrained decoding; free decoding names a candidate in at
//     least 95% of rows and beats MBHT; the ladder rises at every step.
// Every evaluation is stored in the dataset (eval/eval_runs.h). Trained TMF levels and baselines
// are kept under the work folder and reused by a later run (resumable: the ablation's packages and
// a baseline's saved model with its stored run are not retrained unless redo).
#pragma once
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "eval/ablation.h"
#include "util/progress.h"

namespace tmf {

struct ModelBenchOptions {
  AblationOptions ablation;                      // pipeline, seeds, levels, decodes, part, limit
  std::vector<std::string> baselines{"pop", "mbht"};
  std::string work;                              // root folder (one subfolder per dataset)
  bool redo = false;
};

struct BaselineCell {
  std::string kind;
  uint64_t seed = 0;
  HitStats stats;
  double seconds = 0;  // training + evaluation
};

struct DatasetBench {
  std::string name, path;
  AblationReport ladder;
  std::vector<BaselineCell> baselines;
};

struct BenchCheck {
  std::string dataset, what;
  bool pass = false;
  std::string detail;  // the numbers compared
};

struct ModelBenchReport {
  std::vector<DatasetBench> datasets;
  std::vector<BenchCheck> checks() const;
  std::string markdown() const;  // per dataset: reference rows + TMF, the ladder, then the checks
  nlohmann::json json() const;
};

ModelBenchReport run_model_bench(const std::vector<std::string>& dataset_paths, const ModelBenchOptions& opts,
                                 const Progress& progress = {});

}  // namespace tmf
