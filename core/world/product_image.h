// Procedural product images of the synthetic worlds: a flat silhouette per item type (phone,
// t-shirt, bottle, bone, ...) filled with the item's colour and pattern on a light background,
// 64x64 RGB, no anti-aliasing. Colour and pattern are therefore exactly recoverable from pixels
// (the silhouette's pixels are the colour, a lighter tint of it, or — for `gradient` — a ramp
// from it towards black), which is what makes the image modality carry them (design tmf.md §6).
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "data/image.h"

namespace tmf::world {

constexpr int kImageSide = 64;
constexpr std::array<uint8_t, 3> kBackground{236, 236, 232};

std::vector<std::string> known_shapes();
std::vector<std::string> known_patterns();

// Throws for an unknown shape or pattern. `variant` shifts the pattern phase a little so that
// items differing only in model code do not have byte-identical images.
RgbImage render_product(const std::string& shape, const std::array<uint8_t, 3>& colour, const std::string& pattern,
                        int variant = 0);

}  // namespace tmf::world
