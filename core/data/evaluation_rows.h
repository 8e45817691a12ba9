// The rows a model is evaluated on: each stored split row of a part ("valid" or "test") joined
// with its stored candidate row (the truth plus sampled negatives, paper §5.1). One loader and one
// policy for every evaluation (tmf eval, ablation, bench quality, the baselines, MBHT's early
// stopping, rating studies and tmf infer --user): every row of the part has its candidate row and
// every candidate row its split row; a missing one is an error naming the user.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "data/candidates.h"
#include "data/split.h"

namespace tmf {

struct EvaluationRows {
  std::vector<SplitRow> rows;            // in user order
  std::vector<CandidateRow> candidates;  // candidates[i] belongs to rows[i]
  size_t size() const { return rows.size(); }
  // The index of `user_id`'s row, if it has one.
  std::optional<size_t> find_user(int64_t user_id) const;
};

// `limit` > 0 keeps the first `limit` rows.
EvaluationRows load_evaluation_rows(const Dataset& ds, const std::string& split, const std::string& candidates,
                                    const std::string& part, int64_t limit = 0);

// HitRate@1 of a model that scores every candidate: a row is a hit when its truth scores strictly
// highest. Ties and NaN count against the model. Throws when truth_pos is outside the scores.
bool is_rank_hit(const std::vector<float>& scores, int truth_pos);

}  // namespace tmf
