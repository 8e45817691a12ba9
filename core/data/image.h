// Item images: PNG/JPEG bytes as stored in the dataset, probed and decoded with stb_image and
// encoded as PNG with stb_image_write. Bad or absurd images (a header claiming 50000x50000, a
// truncated file, another format) are refused with a clear error before anything large is
// allocated.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace tmf {

constexpr int kMaxImageSide = 16384;
constexpr int64_t kMaxImagePixels = 64LL * 1024 * 1024;

struct ImageInfo {
  std::string format;  // "png" | "jpeg"
  int width = 0, height = 0, channels = 0;
};

struct RgbImage {
  int width = 0, height = 0;
  std::vector<uint8_t> rgb;  // (height, width, 3) row-major
  uint8_t* at(int x, int y) { return &rgb[(size_t(y) * width + x) * 3]; }
  const uint8_t* at(int x, int y) const { return &rgb[(size_t(y) * width + x) * 3]; }
};

// `what` names the image in error messages (a path, "item 42").
// probe_image reads the header; check_image also verifies a PNG's chunk CRCs and its IEND and
// decodes the whole image, the same checks decode_image makes: what a dataset stores is what
// `clip embed-image` and the encoders can read (a truncated PNG or a bad CRC is refused by both).
ImageInfo probe_image(const uint8_t* data, size_t size, const std::string& what);
ImageInfo check_image(const uint8_t* data, size_t size, const std::string& what);
// `probed`, when given, receives what probe_image read from the header.
RgbImage decode_image(const uint8_t* data, size_t size, const std::string& what, ImageInfo* probed = nullptr);
inline RgbImage decode_image(const std::vector<uint8_t>& bytes, const std::string& what) {
  return decode_image(bytes.data(), bytes.size(), what);
}
std::vector<uint8_t> encode_png(const RgbImage& img);

}  // namespace tmf
