// Answer-only language-model loss (paper Eq. 9-11, LLaRA's labels): the mean cross-entropy of the
// answer tokens given everything before them. Only the positions that predict an answer token go
// through the LM head, so a step costs the decoder over the whole prompt plus V x C per answer
// token (not per prompt token): with 200-token prompts and 8-token answers the head's share of a
// step falls from (T x V x C) to (8 x V x C).
//   embeds (B, T, C), mask (B, T) int64 (1 = token), labels (B, T) int64 with -100 where no loss:
//   position t of labels is the token at t; it is predicted from position t - 1.
//   copy (B, T), optional: with a copy head (llm/copy_head.h), what it may copy from the prompt;
//   the loss is then that of the mixed distribution.
#pragma once
#include <torch/types.h>

#include "llm/copy_head.h"

namespace tmf {

struct LlamaImpl;

torch::Tensor answer_loss(LlamaImpl& model, const torch::Tensor& embeds, const torch::Tensor& mask,
                          const torch::Tensor& labels, const CopyInputs& copy = {});

}  // namespace tmf
