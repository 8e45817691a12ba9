// The ablation study of the paper's Table 3: the four levels (text only; + behavior tokens;
// + item tokens with AMSA; + CMA = full TMF) trained with identical data, stages and seeds, each
// evaluated on the same stored candidate sets, over several seeds. Per seed the backbone, CLIP and
// MBHT stages are trained once and shared by the four levels (<root>/seed-<s>/stages), so the
// levels differ only in what the curriculum tuning adds. A level whose package exists is not
// retrained (unless redo). Every evaluation is stored in the dataset (eval/eval_runs.h).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "prompt/answer_match.h"
#include "eval/tmf_eval.h"
#include "train/tmf_pipeline.h"

namespace tmf {

struct AblationOptions {
  PipelineOptions pipeline;                 // level and seed are set per cell
  std::vector<uint64_t> seeds{42};
  std::vector<AblationLevel> levels{AblationLevel::Text, AblationLevel::Behavior, AblationLevel::Amsa,
                                    AblationLevel::Cma};
  std::vector<DecodeMode> decodes{DecodeMode::Constrained, DecodeMode::Free};
  std::string candidates = "default";
  std::string part = "test";
  int64_t limit = 0;                        // evaluate the first N rows only (0 = all)
  EvalOptions eval;
  bool redo = false;
};

struct AblationCell {
  AblationLevel level = AblationLevel::Cma;
  uint64_t seed = 0;
  DecodeMode decode = DecodeMode::Free;
  HitStats stats;
  double train_seconds = 0, eval_seconds = 0;
  std::string package_dir;
};

struct AblationReport {
  std::vector<AblationCell> cells;
  // Table 3 in Markdown: one row per level, HitRate@1 (mean ± std over seeds) per decoding mode and
  // the free-decoding ValidRatio.
  std::string markdown() const;
};

AblationReport run_ablation(Dataset& ds, const std::string& root, const AblationOptions& opts,
                            const Progress& progress = {});

}  // namespace tmf
