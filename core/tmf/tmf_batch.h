// Batch assembly of TMF (paper Fig. 1 and 3): a list of examples becomes the input embeddings of
// their hybrid prompts, left-padded, with the [MT_i] / [MT_b] placeholder rows replaced by adaptor
// outputs. TmfModel::build (defined in tmf_batch.cpp) runs these phases:
//   1. prompts   each example's history is cut to the model's last max_history steps, its hybrid
//                prompt built (prompt/hybrid_prompt.h) and tokenized; with answers, the truth's
//                name + EOS follow and are labelled
//   2. padding   rows are left-padded to the longest; PlaceholderSlots records where each
//                placeholder landed and what fills it
//   3. tokens    token embeddings of every position (placeholder ids embed as id 0, overwritten)
//   4. values    behavior tokens: behavior adaptor of the graph behavior embedding;
//                history item tokens: item adaptor of the fusion module over the user's sequence;
//                candidate item tokens: item adaptor of the fusion module over the candidate alone
//   5. scatter   the values replace the placeholder rows (out of place: gradients reach the heads)
// Dimensions: B batch, T padded length, C hidden, H longest history.
#pragma once
#include <torch/types.h>

#include <cstdint>
#include <vector>

#include "fusion/modality_fusion.h"
#include "llm/copy_head.h"
#include "prompt/hybrid_prompt.h"

namespace tmf {

// A batch of prompts as input embeddings, left-padded.
struct TmfBatch {
  torch::Tensor embeds;  // (B, T, C)
  torch::Tensor mask;    // (B, T) int64, 1 = token
  torch::Tensor labels;  // (B, T) int64, -100 outside answers (defined when answers were added)
  CopyInputs copy;        // (B, T): what the copy head may copy (llm/copy_head.h): prompt tokens
                          // (not padding, placeholders or the answer); candidates as spans
  std::vector<std::vector<int>> prompt_ids;  // token ids of each prompt (placeholders as their ids)
  std::vector<HybridPrompt> prompts;
  FusionOutput fusion;   // of the histories (B, ...), when the level uses item tokens (not with a source)
  std::vector<int64_t> history_len;
  // Hard prompts: the item tokens placed in them (adaptor outputs), for the alignment loss of
  // train/tmf_tuning.h. history_tokens (B, H, C) with history_mask (B, H) bool; candidate_tokens
  // (n, C), the candidates of row 0 first, in presentation order.
  torch::Tensor history_tokens, history_mask, candidate_tokens;
};

// Where the placeholders of a padded batch sit and which value fills each, one list per kind
// (parallel vectors: slot k is at row[k], position pos[k] and takes value src[k]).
struct PlaceholderSlots {
  struct Kind {
    std::vector<int64_t> row;  // batch row b
    std::vector<int64_t> pos;  // position in the padded row (left offset included)
    std::vector<int64_t> src;  // behavior: dataset behavior id; history: b * H + step (row of the
                               // (B*H, C) history tokens); candidate: row of the flat candidate tokens
    void add(int64_t b, int64_t t, int64_t s) {
      row.push_back(b);
      pos.push_back(t);
      src.push_back(s);
    }
    bool empty() const { return src.empty(); }
  };
  Kind behavior, history, candidate;
};

}  // namespace tmf
