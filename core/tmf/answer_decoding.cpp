#include "tmf/answer_decoding.h"

#include <torch/torch.h>

#include "util/error.h"

namespace tmf {

std::vector<std::string> candidate_names(const TmfModel& model, const TmfExample& ex) {
  std::vector<std::string> names;
  for (int64_t c : ex.candidates) names.push_back(model.names().item(c));
  return names;
}

std::vector<AnswerChoice> decode_answers(TmfModel& model, const TmfBatch& batch, const std::vector<TmfExample>& examples,
                                         const DecodeOptions& o) {
  const int64_t B = batch.embeds.size(0);
  TMF_CHECK(int64_t(examples.size()) == B, "decode_answers: ", examples.size(), " examples for a batch of ", B);
  std::vector<std::vector<std::string>> names;
  for (const auto& ex : examples) names.push_back(candidate_names(model, ex));
  torch::NoGradGuard ng;
  std::vector<AnswerChoice> out(static_cast<size_t>(B));
  if (o.mode == DecodeMode::Free) {
    auto texts = model.generate(batch, o.max_new_tokens);
    for (int64_t b = 0; b < B; ++b) {
      out[size_t(b)].output = texts[size_t(b)];
      out[size_t(b)].match = match_answer(texts[size_t(b)], names[size_t(b)]);
    }
  }
  const bool per_prompt = o.mode != DecodeMode::Free || o.scores;
  if (!per_prompt) return out;
  const int64_t eos = model.tokenizer().eos_id();
  auto lengths = batch.mask.sum(1).to(torch::kCPU);  // (B) real tokens per row
  const int64_t T = batch.embeds.size(1);
  for (int64_t b = 0; b < B; ++b) {
    AnswerChoice& a = out[size_t(b)];
    const auto& cn = names[size_t(b)];
    TMF_CHECK(!cn.empty(), "decode_answers: prompt ", b, " has no candidates");
    std::vector<std::vector<int64_t>> cand_ids;
    for (int64_t item : examples[size_t(b)].candidates) {
      const std::string answer = model.answer_text(item);
      auto ids = model.tokenizer().encode(answer);
      TMF_CHECK(!ids.empty(), "candidate answer '", answer, "' tokenizes to nothing");
      cand_ids.emplace_back(ids.begin(), ids.end());
    }
    const int64_t len = lengths[b].item<int64_t>();
    // The row without its left padding: the prompt alone.
    auto prompt = Prompt::from_embeds(batch.embeds.select(0, b).narrow(0, T - len, len).unsqueeze(0));  // (1, len, C)
    prompt.copy = batch.copy.row(b, T - len, len);
    if (o.mode == DecodeMode::Likelihood || o.scores) {
      ScoreOptions so;
      so.append_eos = true;
      so.eos_id = eos;
      a.scores = score_candidates(*model.llm(), prompt, cand_ids, so);
    }
    int choice = -1;
    if (o.mode == DecodeMode::Constrained) {
      choice = int(constrained_greedy(*model.llm(), prompt, cand_ids, eos).candidate);
    } else if (o.mode == DecodeMode::Likelihood) {
      for (size_t c = 0; c < a.scores.size(); ++c)
        if (choice < 0 || a.scores[c].sum_logprob > a.scores[size_t(choice)].sum_logprob) choice = int(c);
    }
    if (o.mode != DecodeMode::Free) {
      TMF_CHECK(choice >= 0, "decode_answers: ", decode_mode_name(o.mode), " decoding chose no candidate (internal error)");
      a.match.named = {choice};
      a.output = cn[size_t(choice)];
    }
  }
  return out;
}

}  // namespace tmf
