// Matching a generated answer to the candidate set (paper §5.1 ValidRatio, LLaRA's protocol made
// unambiguous). The output is cut at its first line, lower-cased and stripped; a candidate is
// named when its whole name occurs at word boundaries; a name that only occurs inside the span of
// a longer named candidate (e.g. "Heat" inside "Heat Wave") does not count. Valid = exactly one
// candidate named. HitRate@1 is reported over all sequences and over valid answers.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace tmf {

struct AnswerMatch {
  std::vector<int> named;  // indices of candidates named (after removing contained matches)
  bool valid() const { return named.size() == 1; }
  int choice() const { return valid() ? named[0] : -1; }
};

std::string normalize_answer(const std::string& text);  // first line, lower-case, trimmed, spaces folded
AnswerMatch match_answer(const std::string& output, const std::vector<std::string>& candidate_names);

struct HitStats {
  int64_t n = 0, n_valid = 0, n_hit = 0;
  void add(const AnswerMatch& m, int truth_index) {
    ++n;
    if (m.valid()) {
      ++n_valid;
      if (m.choice() == truth_index) ++n_hit;
    }
  }
  double hit_rate_all() const { return n ? double(n_hit) / double(n) : 0; }
  double hit_rate_valid() const { return n_valid ? double(n_hit) / double(n_valid) : 0; }
  double valid_ratio() const { return n ? double(n_valid) / double(n) : 0; }
};

}  // namespace tmf
