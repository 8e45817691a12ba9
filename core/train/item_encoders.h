// The image and text modalities of items (paper §3.2, design tmf.md §2) for datasets without a
// pretrained CLIP: a small CLIP trained contrastively (InfoNCE with learnable temperature) on the
// dataset's own (item image, item text) pairs, its text tokenized with the dataset's SentencePiece
// tokenizer. Each item's projected image and text embeddings are then computed once and cached in
// the dataset file (encoders 'clip-image' / 'clip-text', version = hash of the CLIP weights), and
// recomputed only when stale. Items without an image get a zero image embedding; a dataset
// without any image (MovieLens) gets an untrained CLIP (zero image modality, text tower at its
// seeded initialisation) so that the rest of the pipeline still runs.
// Embedding one item with the saved CLIP (inference's new items): encoders/item_embedder.h.
#pragma once
#include <string>
#include <vector>

#include "data/dataset.h"
#include "util/progress.h"

namespace tmf {

struct ItemEncoderOptions {
  int64_t image_size = 32, patch_size = 8;  // the demo world renders 64x64; 32 keeps CPU cost low
  int64_t hidden = 128, layers = 2, heads = 4, projection_dim = 64, max_text_tokens = 48;
  int64_t steps = 300, batch = 32;
  double lr = 1e-3;
  uint64_t seed = 42;
  std::string device = "cpu";
};

struct ItemEmbeddings {
  std::vector<int64_t> item_ids;
  std::vector<float> image, text;  // row-major (items, projection_dim)
  int64_t dim = 0;
  std::string version;             // cache version of the CLIP that made them
  std::vector<double> losses;      // contrastive loss per step (empty when read from the cache)
};

// Trains the CLIP (unless the cache is current for `clip_dir`'s weights), saves it to clip_dir in
// HF layout, embeds every item and caches the result in the dataset.
ItemEmbeddings build_item_embeddings(Dataset& ds, const std::string& tokenizer_path, const std::string& clip_dir,
                                     const ItemEncoderOptions& opts, const Progress& progress = {});

}  // namespace tmf
