// MBHT as a ranker (a baseline of TMF paper Table 2): scores of a candidate set for a history, the
// logits of the masked target slot (target behavior) gathered at the candidates, and HitRate@1 on a
// stored candidate set (paper §5.1: ground truth + 10 negatives; a row is a hit when the ground
// truth has the strictly highest score among its candidates, ties counting against the model).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "data/evaluation_rows.h"
#include "graph/mbht_model.h"
#include "util/progress.h"

namespace tmf {

struct MbhtBatch {
  torch::Tensor items;      // (B, T-1) int64 rows, left-padded
  torch::Tensor behaviors;  // (B, T-1) int64 rows
  torch::Tensor valid;      // (B, T-1) bool
};

// The last T-1 events of each history as rows, left-padded; on the CPU.
MbhtBatch encode_histories(const MbhtModel& m, const std::vector<const std::vector<Event>*>& histories);

// Per-candidate scores (one per entry of `candidates`) for each history; eval mode, no grad.
std::vector<std::vector<float>> score_candidates(const MbhtModel& m,
                                                 const std::vector<const std::vector<Event>*>& histories,
                                                 const std::vector<std::vector<int64_t>>& candidates);
std::vector<float> score_candidates(const MbhtModel& m, const std::vector<Event>& history,
                                    const std::vector<int64_t>& candidates);

struct RankEval {
  int64_t rows = 0;
  int64_t hits = 0;
  double hit_rate() const { return rows ? double(hits) / double(rows) : 0.0; }
};

// HitRate@1 over the rows of `part` ("valid" or "test") of `split` with candidate set `candidates`.
RankEval evaluate_mbht(const MbhtModel& m, const Dataset& ds, const std::string& split, const std::string& candidates,
                       const std::string& part, int64_t batch_size = 256, const Progress& progress = {});

// The same with rows and candidates already loaded (training reuses them every epoch).
RankEval evaluate_mbht(const MbhtModel& m, const EvaluationRows& rows, int64_t batch_size = 256,
                       const Progress& progress = {});

}  // namespace tmf
