// CLIPImageProcessor in plain C++ (torch-free): convert to RGB, resize (shortest edge or fixed
// size) with PIL's resampling (bicubic a = -0.5 or bilinear, antialiased when downscaling, 8-bit
// fixed-point as PIL does), centre crop (zero padding when the crop is larger), rescale, normalise.
// Output is channel-first float32. Matches transformers' slow (PIL) processor; its torchvision
// path differs by at most a rounding step.
#pragma once
#include <cstdint>
#include <vector>

#include "encoders/clip_config.h"
#include "data/image.h"

namespace tmf {

struct PixelValues {
  int64_t height = 0, width = 0;
  std::vector<float> chw;  // (3, height, width)
};

PixelValues clip_preprocess(const RgbImage& image, const ClipImageProcessorConfig& cfg);

// PIL-style 8-bit RGB resize to (out_w, out_h); exposed for tests and the dataset layer.
RgbImage resize_rgb(const RgbImage& image, int out_w, int out_h, Resample filter);

}  // namespace tmf
