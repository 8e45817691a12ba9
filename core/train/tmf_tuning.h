// Curriculum instruction tuning of TMF (paper §4.3): T iterations; iteration tau draws its task with
// the scheduler of Eq. 12-14 (train/curriculum.h), capped by the ablation level (text: easy only;
// behavior: easy/medium; amsa/cma: the full curriculum). One task per batch, like LLaRA. Parameter
// groups as tmf.md §4: LoRA in every task, the behavior adaptor from medium on, the fusion module
// and item adaptor in hard tasks: each batch updates exactly the parts its prompts use (gradients
// of unused parts are left undefined, so Adam skips them). Adam with linear warm-up then cosine
// decay to lr/100; gradient accumulation. Examples come from train/example_sampler.h (shuffled
// passes over every training row, fresh negatives at each draw). Deterministic for a seed on CPU.
// LLaRA (baselines/llara.h) tunes with the same loop and its own curriculum: at step s of T a batch
// is hybrid (the model's hardest task) with probability s / T, else text-only (easy).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "data/split.h"
#include "tmf/tmf_model.h"
#include "util/progress.h"

namespace tmf {

enum class CurriculumKind { Tmf = 0, Llara = 1 };

struct TuneOptions {
  int64_t steps = 200;          // T (optimizer steps)
  double t1_fraction = 0.4;     // T1 = t1_fraction * T
  int64_t batch = 8;            // examples per micro-batch
  int64_t grad_accum = 1;       // micro-batches per optimizer step
  double lr = 5e-4;
  double warmup_fraction = 0.05;
  int negatives = 10;           // candidates drawn for training examples
  uint64_t seed = 42;
  bool train_lm_head = false;   // also tune the LM head (LoRA tuning of a small backbone)
  // Every weight of the backbone is trained (a backbone we trained ourselves: its weights are ours
  // to change); false: only the LoRA adapters (+ the LM head with train_lm_head), as the paper
  // adapts a pretrained checkpoint.
  bool full_finetune = false;
  double head_lr_scale = 1.0;   // lr multiplier of the heads (fusion, adaptors) or item source
  double clip_norm = 0;         // global gradient-norm clip (0 = none)
  // Weight of the item-token alignment loss in hard batches (0 = the paper's loss alone): a
  // softmax over each prompt's candidates of <mean history item token, candidate item token> /
  // sqrt(C), with the truth as the target. It gives the fusion module and the item adaptor a
  // direct signal from the first step (the LM loss reaches them only once the backbone attends
  // to the item tokens), and lays the tokens out so that attention (dot products) can compare a
  // user's history with the candidates. docs/model-recipe.md has the measurements.
  double item_align = 0;
  // Share of history item names left out of hard training prompts (the item token stays): the
  // backbone must read those items from their item tokens, so it learns to attend to them.
  double history_name_dropout = 0;
  CurriculumKind curriculum = CurriculumKind::Tmf;
  // Checkpoints: every `checkpoint_every` optimizer steps the trainable weights, the optimizer
  // state, torch's RNG state and the losses so far are written to `checkpoint_path` (safetensors,
  // temp file + rename). When the file exists at the start, tuning resumes after its step and
  // reaches the same final weights as an uninterrupted run (CPU).
  std::string checkpoint_path;
  int64_t checkpoint_every = 50;
};

struct TuneReport {
  std::vector<double> losses;        // per optimizer step
  std::vector<Task> tasks;           // per optimizer step
  double seconds = 0;
  int64_t resumed_from = 0;          // optimizer steps read from a checkpoint (0 = fresh start)
};

// Learning rate at optimizer step s (0-based) of T: warm-up then cosine to lr/100.
double tuning_lr(const TuneOptions& o, int64_t step);

// Trains `model` (LoRA must already be attached to its backbone) on `rows` (training examples of a
// split); `catalog` lists every item id; `seen` gives each user's interacted items (sorted), so
// that drawn negatives are items the user never touched.
TuneReport tune_tmf(TmfModel& model, const std::vector<SplitRow>& rows, const std::vector<int64_t>& catalog,
                    const std::unordered_map<int64_t, std::vector<int64_t>>& seen, int64_t target_behavior,
                    const TuneOptions& opts, const Progress& progress = {});

}  // namespace tmf
