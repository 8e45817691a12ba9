// Batched greedy decoding for the Llama backbone (over the LM head, mixed with the copy head's
// distribution when the model has one, llm/copy_head.h): prompts are left-padded into one batch, the
// prompt is run once into a KV cache, then one token per step. Banned ids (placeholder tokens) are
// never generated; a row stops at a stop id (EOS unless disabled) or after max_new_tokens.
// Limits: greedy only (no sampling, no beams). Dropout is switched off while generating (the
// module's train/eval mode is restored afterwards).
#pragma once
#include <torch/types.h>

#include <cstdint>
#include <vector>

#include "llm/copy_head.h"
#include "util/progress.h"

namespace tmf {

struct LlamaImpl;

struct GenerateOptions {
  int64_t max_new_tokens = 64;
  bool stop_at_eos = true;
  std::vector<int64_t> stop_ids;    // empty: the model config's eos_token_ids
  std::vector<int64_t> banned_ids;  // never generated
  int64_t pad_id = 0;               // filler of left padding (masked out; any valid id)
  // With a copy head (llm/copy_head.h): what it may copy, (B, T) like the prompt. Undefined: every
  // prompt token (generate_greedy) or nothing (generate_greedy_embeds).
  CopyInputs copy;
  const Progress* progress = nullptr;
};

// Left-pads `rows` into ids (B, T) and an attention mask (B, T) (1 = token, 0 = padding).
struct PaddedBatch {
  torch::Tensor ids;   // (B, T) int64
  torch::Tensor mask;  // (B, T) int64
};
PaddedBatch left_pad(const std::vector<std::vector<int64_t>>& rows, int64_t pad_id);

// New tokens per prompt; a row that stopped ends with its stop token.
std::vector<std::vector<int64_t>> generate_greedy(LlamaImpl& model, const std::vector<std::vector<int64_t>>& prompts,
                                                  const GenerateOptions& opts = {});
// The same from prompt embeddings (B, T, C) with their left-padded attention mask (B, T)
// (undefined = no padding).
std::vector<std::vector<int64_t>> generate_greedy_embeds(LlamaImpl& model, const torch::Tensor& embeds,
                                                         const torch::Tensor& mask, const GenerateOptions& opts = {});

// RAII: eval mode (no dropout) for the scope, previous mode restored after.
class EvalModeGuard {
 public:
  explicit EvalModeGuard(LlamaImpl& m);
  ~EvalModeGuard();
  EvalModeGuard(const EvalModeGuard&) = delete;
  EvalModeGuard& operator=(const EvalModeGuard&) = delete;

 private:
  LlamaImpl& m_;
  bool was_training_;
};

}  // namespace tmf
