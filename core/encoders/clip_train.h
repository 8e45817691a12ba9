// Contrastive training of a CLIP model on (image bytes, token ids) pairs: symmetric InfoNCE with
// the learnable temperature logit_scale (clamped to ln 100 after each step, as CLIP does), Adam.
// Images are decoded and preprocessed once up front (an undecodable image names its pair);
// batches are drawn without replacement per epoch with tmf::Rng, so a seed gives the same run.
// Limits: whole-batch in memory, no mixed precision, no gradient accumulation.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "encoders/clip_config.h"
#include "encoders/clip_image_processor.h"
#include "encoders/clip_model.h"
#include "util/progress.h"

namespace tmf {

struct ClipPair {
  std::string image_bytes;     // encoded PNG/JPEG/...
  std::vector<int64_t> ids;    // token ids, containing the EOS id
};

struct ClipTrainOptions {
  int64_t steps = 100;
  int64_t batch_size = 8;      // clipped to the number of pairs; at least 2 pairs are needed
  double learning_rate = 1e-3;
  double weight_decay = 0.0;
  uint64_t seed = 0;
  std::string device = "cpu";  // resolved already ("cpu", "cuda", ...)
};

// Pads rows with pad_id to the longest row. Returns {ids (B, T) int64, mask (B, T) int64}.
std::pair<torch::Tensor, torch::Tensor> pad_token_batch(const std::vector<std::vector<int64_t>>& rows, int64_t pad_id);
// (3, H, W) floats as a (1, 3, H, W) float32 tensor.
torch::Tensor to_pixel_tensor(const PixelValues& pv);

// Trains in place; returns the loss of every step. Reports stage "train:clip" each step.
std::vector<double> train_clip(ClipModel& model, const ClipImageProcessorConfig& processor,
                               const std::vector<ClipPair>& pairs, const ClipTrainOptions& opt,
                               const Progress& progress = {});

}  // namespace tmf
