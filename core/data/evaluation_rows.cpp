#include "data/evaluation_rows.h"

#include <unordered_map>

#include "util/error.h"

namespace tmf {

std::optional<size_t> EvaluationRows::find_user(int64_t user_id) const {
  for (size_t i = 0; i < rows.size(); ++i)
    if (rows[i].user_id == user_id) return i;
  return std::nullopt;
}

EvaluationRows load_evaluation_rows(const Dataset& ds, const std::string& split, const std::string& candidates,
                                    const std::string& part, int64_t limit) {
  std::vector<SplitRow> rows = load_split_rows(ds, split, part);
  std::vector<CandidateRow> cands = load_candidates(ds, candidate_set_id(ds, split, candidates), part);
  std::unordered_map<int64_t, size_t> by_row;  // split row id -> index in cands
  for (size_t i = 0; i < cands.size(); ++i) by_row[cands[i].row_id] = i;
  TMF_CHECK(by_row.size() == cands.size(), "candidate set '", candidates, "' of split '", split,
            "' holds two candidate rows for one ", part, " row");
  EvaluationRows out;
  for (auto& r : rows) {
    auto it = by_row.find(r.id);
    TMF_CHECK(it != by_row.end(), "user '", ds.user_external_id(r.user_id), "' has a ", part, " row in split '", split,
              "' but no candidate row in set '", candidates, "'; make the candidate set again (tmf data candidates)");
    out.candidates.push_back(std::move(cands[it->second]));
    by_row.erase(it);
    out.rows.push_back(std::move(r));
  }
  for (const auto& [row_id, i] : by_row)
    fail("candidate set '", candidates, "' has a ", part, " row for user '", ds.user_external_id(cands[i].user_id),
         "' whose split row ", row_id, " is not in split '", split, "'");
  if (limit > 0 && int64_t(out.rows.size()) > limit) {
    out.rows.resize(size_t(limit));
    out.candidates.resize(size_t(limit));
  }
  return out;
}

bool is_rank_hit(const std::vector<float>& s, int truth) {
  TMF_CHECK(truth >= 0 && size_t(truth) < s.size(), "truth position ", truth, " outside ", s.size(), " candidates");
  for (size_t j = 0; j < s.size(); ++j)
    if (int(j) != truth && !(s[size_t(truth)] > s[j])) return false;  // ties and NaN count against
  return true;
}

}  // namespace tmf
