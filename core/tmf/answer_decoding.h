// The answer of a TMF model to each prompt of a built batch, in one of the decoding modes of
// tmf/decode_mode.h: the one place that turns prompts and candidate names into a choice, its
// validity and the candidates' scores (evaluation, inference and the LLM baselines call it).
// Free decoding runs the whole batch at once; constrained decoding and likelihood scoring run
// each prompt alone (its row of the left-padded batch without the padding).
#pragma once
#include <string>
#include <vector>

#include "llm/candidate_decoding.h"
#include "prompt/answer_match.h"
#include "tmf/decode_mode.h"
#include "tmf/tmf_model.h"

namespace tmf {

struct DecodeOptions {
  DecodeMode mode = DecodeMode::Free;
  int64_t max_new_tokens = 48;  // free decoding
  bool scores = false;          // also score every candidate ("name EOS" log-likelihood) in any mode
};

struct AnswerChoice {
  std::string output;                  // the generated text (free) or the chosen candidate's name
  AnswerMatch match;                   // the candidates the output names; valid = exactly one
  std::vector<CandidateScore> scores;  // per candidate, when scored (likelihood mode or opts.scores)
  int choice() const { return match.choice(); }
  bool valid() const { return match.valid(); }
};

// examples[b]: the example row b of the batch was built from (its candidates, in presentation
// order). Constrained decoding and scores run over the candidates' answer texts
// (TmfModel::answer_text); free answers are matched to the candidates' names.
std::vector<AnswerChoice> decode_answers(TmfModel& model, const TmfBatch& batch, const std::vector<TmfExample>& examples,
                                         const DecodeOptions& opts);

// The names of an example's candidates.
std::vector<std::string> candidate_names(const TmfModel& model, const TmfExample& ex);

}  // namespace tmf
