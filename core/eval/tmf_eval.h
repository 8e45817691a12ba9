// Evaluation of a TMF model on stored candidate sets (paper §5.1): HitRate@1 over all sequences and
// over valid answers, and ValidRatio, in any decoding mode of tmf/decode_mode.h (free generation,
// the paper's, is the default). Prompts use the hardest task of the model's ablation level and
// template 0.
#pragma once
#include <string>
#include <vector>

#include "prompt/answer_match.h"
#include "tmf/decode_mode.h"
#include "tmf/tmf_model.h"
#include "util/progress.h"

namespace tmf {

struct EvalOptions {
  DecodeMode decode = DecodeMode::Free;
  int64_t batch = 16;           // prompts per built batch
  int64_t max_new_tokens = 48;
  int template_id = 0;
};

struct EvalRow {
  std::string output;  // generated text (free) or the chosen candidate's name
  int choice = -1;     // candidate index, -1 when invalid
  int truth = -1;
};

struct EvalResult {
  HitStats stats;
  std::vector<EvalRow> rows;
  double seconds = 0;
};

EvalResult evaluate_tmf(TmfModel& model, const std::vector<TmfExample>& examples, const EvalOptions& opts,
                        const Progress& progress = {});

}  // namespace tmf
