// The default backbone when no pretrained LLM is given (design tmf.md §4): a SentencePiece
// tokenizer trained on the dataset's own text (with [MT_i]/[MT_b] as user-defined symbols), a small
// Llama-shaped model with random init, and a warm-up (the paper's warm-up, §4.2) that trains every
// weight as a language model on item texts and text-only prompts with their answers. The result
// is saved in Hugging Face layout, so the same loader reads it as any user checkpoint.
#pragma once
#include <string>
#include <vector>

#include "data/dataset.h"
#include "llm/llama.h"
#include "util/progress.h"

namespace tmf {

struct BackboneOptions {
  int vocab_size = 2000;     // upper bound (the trainer may stop below on small corpora)
  int64_t layers = 4, hidden = 256, heads = 4, kv_heads = 4, intermediate = 688;
  int64_t steps = 300;       // warm-up optimizer steps
  int64_t batch = 16;        // texts per step
  int64_t max_tokens = 384;  // texts are cut to this many tokens
  double lr = 1e-3;
  uint64_t seed = 42;
  int prompts = 2000;        // text-only prompts (with answers) in the corpus
  int64_t prompt_history = 10;  // history steps in those prompts (the last ones; 0 = all), as in tuning
  std::string split = "default";
};

struct BackboneResult {
  std::string dir;             // <out>/backbone (config.json + model.safetensors)
  std::string tokenizer_path;  // <out>/tokenizer.model
  std::vector<double> losses;  // per warm-up step
  double seconds = 0;
};

// Item texts and text-only training prompts (prompt + " " + answer) of a dataset's split.
std::vector<std::string> backbone_corpus(const Dataset& ds, const BackboneOptions& opts);

BackboneResult build_backbone(const std::vector<std::string>& corpus, const BackboneOptions& opts,
                              const std::string& out_dir, const Progress& progress = {});

}  // namespace tmf
