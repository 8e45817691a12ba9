// The default backbone when no pretrained LLM is given (design tmf.md §4): a SentencePiece
// tokenizer trained on the dataset's own text (with [MT_i]/[MT_b] as user-defined symbols, digits
// kept together so an item code like "WB976" is two pieces, not four), a small Llama-shaped model
// with random init, and the paper's warm-up (§4.2) on text-only prompts. The warm-up teaches the
// skill the task needs: read the history, pick one of the listed candidates and copy its name. Its
// steps are text-only training prompts (the easy task of prompt/task.h, fresh negatives at every
// draw, train/example_sampler.h) with the loss on the answer only (llm/answer_loss.h); every
// `text_every`-th step is instead a language-model step on item texts, so the words of names and
// descriptions get their embeddings. A share of the prompts (copy_share) is a pure finding-and-
// copying task built from the catalog alone: "Candidates: A, B, ... Which one is a <category>?"
// with exactly one candidate of that (most specific) category, answered by its name; it teaches
// the copy circuit that free generation needs, which the real task's loss reaches only slowly
// (without it a small model answers with plausible names that are not candidates). The result is saved in Hugging Face layout, so the same
// loader reads it as any user checkpoint.
#pragma once
#include <string>
#include <vector>

#include "data/dataset.h"
#include "llm/llama.h"
#include "util/progress.h"

namespace tmf {

struct BackboneOptions {
  int vocab_size = 4000;     // upper bound (the trainer stops below on small corpora)
  bool split_digits = false; // tokenizer: keep digit runs whole (Llama splits them)
  int64_t layers = 2, hidden = 128, heads = 4, kv_heads = 4, intermediate = 352;  // docs/model-recipe.md
  bool tie_embeddings = false;  // LM head = token embedding table
  int64_t copy_head = 64;       // width of the copy head's query/key (llm/copy_head.h); 0 = none
  int64_t steps = 700;       // warm-up optimizer steps
  int64_t batch = 32;        // prompts (or texts) per step
  int64_t text_every = 4;    // every n-th step is an item-text LM step (0 = never)
  int64_t max_tokens = 384;  // item texts are cut to this many tokens
  double lr = 2e-3;
  double clip_norm = 1.0;
  int negatives = 10;        // candidates drawn per warm-up prompt, besides the truth
  double copy_share = 0.25;  // share of warm-up prompts that are a copy task
  double copy_repeat = 0.5;  // share of copy prompts that repeat the whole list (else one cued name)
  uint64_t seed = 42;
  int prompts = 2000;        // rendered text-only prompts in the tokenizer's corpus
  int64_t prompt_history = 10;  // history steps in prompts (the last ones; 0 = all), as in tuning
  bool candidate_kinds = true;  // candidates written with their kind first, as in tuning
  std::string split = "default";
};

struct BackboneResult {
  std::string dir;             // <out>/backbone (config.json + model.safetensors)
  std::string tokenizer_path;  // <out>/tokenizer.model
  std::vector<double> losses;  // per warm-up step
  double seconds = 0;
};

// The tokenizer's corpus: item texts and text-only training prompts (prompt + " " + answer).
std::vector<std::string> backbone_corpus(const Dataset& ds, const BackboneOptions& opts);

// Tokenizer on `corpus`, then the warm-up on the dataset's training rows (split opts.split).
BackboneResult build_backbone(const Dataset& ds, const std::vector<std::string>& corpus, const BackboneOptions& opts,
                              const std::string& out_dir, const Progress& progress = {});

}  // namespace tmf
