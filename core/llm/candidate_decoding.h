// Candidate-aware decoding: the answer must be one of a known list of candidate names (token id
// sequences from the tokenizer).
//  (a) constrained_greedy: greedy decoding restricted to a prefix trie of the candidates. Always
//      yields exactly one candidate: it ends at a trie leaf, and EOS is allowed only where a
//      complete name ends (a name that is a prefix of another can be chosen by emitting EOS).
//  (b) score_candidates: log-likelihood of every candidate continuation given the prompt, in one
//      batched pass per chunk that reuses the prompt's KV cache (expanded over the candidates).
// Prompts are token ids or inputs_embeds (1, T, C) (hybrid prompts with placeholder embeddings).
// Token probabilities are the model's next-token distribution: the LM head, mixed with the copy
// head where the model has one (llm/copy_head.h), as in free generation and training.
// Limits: one prompt per call; candidates must be non-empty sequences of valid ids.
#pragma once
#include <torch/types.h>

#include <cstdint>
#include <vector>

#include "llm/copy_head.h"

namespace tmf {

struct LlamaImpl;

struct Prompt {
  std::vector<int64_t> ids;  // used when embeds is undefined
  torch::Tensor embeds;      // (1, T, C)
  // With a copy head (llm/copy_head.h): what it may copy, (1, T). Undefined: every token of an id
  // prompt, nothing for an embeds prompt.
  CopyInputs copy;
  static Prompt from_ids(std::vector<int64_t> ids) { return Prompt{std::move(ids), {}, {}}; }
  static Prompt from_embeds(torch::Tensor e) { return Prompt{{}, std::move(e), {}}; }
};

struct ConstrainedResult {
  int64_t candidate = -1;       // index into the candidate list (the first of duplicates)
  std::vector<int64_t> tokens;  // generated ids (ends with EOS when EOS closed the name)
};
// eos_id: -1 = the config's first eos id (if any); ends a name that continues in another candidate.
ConstrainedResult constrained_greedy(LlamaImpl& model, const Prompt& prompt,
                                     const std::vector<std::vector<int64_t>>& candidates, int64_t eos_id = -1);

struct CandidateScore {
  double sum_logprob = 0;   // sum over the candidate's tokens of log p(token | prompt, earlier tokens)
  double mean_logprob = 0;  // sum / number of tokens
  int64_t num_tokens = 0;
};
struct ScoreOptions {
  int64_t chunk = 64;       // candidates per batched pass (memory: chunk x prompt cache)
  bool append_eos = false;  // score "name EOS" (penalises names that would go on)
  int64_t eos_id = -1;      // -1 = the config's first eos id
};
std::vector<CandidateScore> score_candidates(LlamaImpl& model, const Prompt& prompt,
                                             const std::vector<std::vector<int64_t>>& candidates,
                                             const ScoreOptions& opts = {});

}  // namespace tmf
