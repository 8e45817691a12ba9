// `tmf train`: from a dataset to a TMF model package in one call, in stages that are reused when
// their output exists (delete a stage's folder, or pass redo, to run it again):
//   1. backbone   SentencePiece tokenizer on the dataset's text + small Llama warm-up
//                 (train/backbone.h)                                   -> <out>.stages/backbone
//                 or a pretrained Hugging Face Llama (pretrained_backbone: config.json,
//                 safetensors and its tokenizer.model), used as it is
//   2. encoders   small CLIP on the dataset's (image, text) pairs; item image/text embeddings
//                 cached in the dataset (train/item_encoders.h)      -> <out>.stages/clip
//   3. mbht       MBHT graph encoder; item and behavior graph embeddings cached in the dataset
//                                                                     -> <out>.stages/mbht
//   4. tuning     backbone + fusion + adaptors with the curriculum (train/tmf_tuning.h): a backbone
//                 trained here is tuned in full (its weights are ours, and LoRA on a barely
//                 warmed-up base caps what tuning can learn); a pretrained one with LoRA, as in
//                 the paper (tuning = "auto"; "full" or "lora" overrides)
// and finally the package (tmf/tmf_package.h) at <out>.
#pragma once
#include <string>

#include "graph/embedding_cache.h"
#include "graph/mbht_config.h"
#include "llm/lora.h"
#include "train/backbone.h"
#include "train/item_encoders.h"
#include "train/tmf_tuning.h"
#include "tmf/tmf_model.h"

namespace tmf {

struct PipelineOptions {
  std::string split = "default";
  std::string candidates = "default";  // validation candidates for MBHT early stopping
  AblationLevel level = AblationLevel::Cma;
  int64_t fusion_heads = 2;
  bool fusion_residual = false;        // FusionConfig::residual
  bool candidates_in_context = false;  // TmfModel::set_candidates_in_context
  bool fusion_unit_inputs = false;     // FusionConfig::unit_inputs
  bool item_token_first = false;       // TmfModel::set_item_token_first
  int64_t prompt_history = 10;         // history steps in prompts (TmfModel::set_max_history; 0 = all)
  bool candidate_kinds = true;         // candidates written "kind: name" (TmfModel::set_candidate_kinds)
  BackboneOptions backbone;
  std::string pretrained_backbone;     // HF Llama directory (with tokenizer.model); empty: build one
  std::string tuning = "auto";         // auto | full | lora (auto: full for a backbone built here)
  ItemEncoderOptions encoders;
  MbhtConfig mbht;                     // n_items etc. are filled from the dataset
  int64_t mbht_epochs = 20, mbht_batch = 16;
  LoraConfig lora;
  TuneOptions tune;
  std::string device = "cpu";
  uint64_t seed = 42;
  bool redo = false;
  std::string stages_dir;              // where stages live; empty = <out>.stages (ablate shares them)
  PipelineOptions();
  // A few-second model for tests and smoke runs (1-layer backbone, a handful of steps).
  static PipelineOptions tiny();
  // The app's demo model: trains on a demo world on 2 CPU cores in about 10 minutes.
  static PipelineOptions demo();
  // A recipe by name: "default" (PipelineOptions()), "demo" or "tiny"; throws naming the value.
  static PipelineOptions preset(const std::string& name);
};

struct PipelineResult {
  std::string package_dir;
  std::vector<double> warmup_losses, clip_losses, tune_losses;
  double mbht_valid_hr1 = -1;
  int64_t tune_resumed_from = 0;  // tuning steps read from a checkpoint of a killed run
  double seconds = 0;
};

// Whether tuning trains every backbone weight (true) or LoRA adapters (false).
bool full_tuning(const PipelineOptions& o);

PipelineResult train_pipeline(Dataset& ds, const std::string& out_dir, const PipelineOptions& opts,
                              const Progress& progress = {});

// The frozen features of a dataset's items from the caches the stages wrote.
ItemFeatures assemble_features(const ItemEmbeddings& clip, const EmbeddingTable& graph_items,
                               const EmbeddingTable& graph_behaviors);

}  // namespace tmf
