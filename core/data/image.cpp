#include "data/image.h"

#include <stb_image.h>
#include <stb_image_write.h>

#include <array>
#include <cstring>

#include "util/error.h"

namespace tmf {

namespace {
uint32_t be32(const uint8_t* p) { return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | p[3]; }
uint16_t be16(const uint8_t* p) { return uint16_t((p[0] << 8) | p[1]); }

// Dimensions from the header alone (PNG IHDR, JPEG SOFn), so that absurd claims are refused with
// the claimed size in the message, before stb_image looks at the data. False when not found.
bool header_dims(const uint8_t* d, size_t n, const std::string& format, int64_t& w, int64_t& h) {
  if (format == "png") {
    if (n < 24 || std::memcmp(d + 12, "IHDR", 4) != 0) return false;
    w = be32(d + 16);
    h = be32(d + 20);
    return true;
  }
  size_t i = 2;
  while (i + 9 < n) {
    if (d[i] != 0xFF) return false;
    uint8_t m = d[i + 1];
    if (m == 0xFF) { ++i; continue; }
    if (m == 0xD8 || (m >= 0xD0 && m <= 0xD7) || m == 0x01) { i += 2; continue; }
    uint16_t len = be16(d + i + 2);
    bool sof = m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC;
    if (sof) {
      h = be16(d + i + 5);
      w = be16(d + i + 7);
      return true;
    }
    i += 2 + len;
  }
  return false;
}

uint32_t crc32_of(const uint8_t* d, size_t n) {
  static const auto table = [] {
    std::array<uint32_t, 256> t{};
    for (uint32_t i = 0; i < 256; ++i) {
      uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      t[i] = c;
    }
    return t;
  }();
  uint32_t c = 0xFFFFFFFFu;
  for (size_t i = 0; i < n; ++i) c = table[(c ^ d[i]) & 0xFF] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

// A PNG's chunks: each within the data, each CRC right, ending with IEND.
void check_png_chunks(const uint8_t* d, size_t n, const std::string& what) {
  size_t i = 8;
  while (true) {
    TMF_CHECK(i + 12 <= n, "image ", what, " is a truncated PNG (", n, " bytes, no IEND chunk)");
    const uint32_t len = be32(d + i);
    TMF_CHECK(len <= n - i - 12, "image ", what, " is a truncated PNG (a chunk at byte ", i, " claims ", len,
              " bytes, ", n - i - 12, " remain)");
    const uint32_t crc = be32(d + i + 8 + len);
    TMF_CHECK(crc32_of(d + i + 4, size_t(len) + 4) == crc, "image ", what, " is a corrupt PNG (bad CRC of chunk '",
              std::string(reinterpret_cast<const char*>(d + i + 4), 4), "' at byte ", i, ")");
    if (std::memcmp(d + i + 4, "IEND", 4) == 0) return;
    i += size_t(len) + 12;
  }
}
}  // namespace

ImageInfo probe_image(const uint8_t* data, size_t size, const std::string& what) {
  TMF_CHECK(data && size > 0, "image ", what, " is empty");
  TMF_CHECK(size < (size_t(1) << 31), "image ", what, " is too large (", size, " bytes)");
  ImageInfo info;
  if (size >= 8 && std::memcmp(data, "\x89PNG\r\n\x1a\n", 8) == 0) info.format = "png";
  else if (size >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF) info.format = "jpeg";
  else fail("image ", what, " is neither PNG nor JPEG (", size, " bytes)");
  int64_t hw = 0, hh = 0;
  if (header_dims(data, size, info.format, hw, hh))
    TMF_CHECK(hw > 0 && hh > 0 && hw <= kMaxImageSide && hh <= kMaxImageSide && hw * hh <= kMaxImagePixels,
              "image ", what, " claims ", hw, "x", hh, " pixels; at most ", kMaxImageSide, " per side and ",
              kMaxImagePixels, " pixels are accepted");
  int w = 0, h = 0, c = 0;
  if (!stbi_info_from_memory(data, int(size), &w, &h, &c))
    fail("image ", what, " cannot be read as ", info.format, ": ", stbi_failure_reason());
  TMF_CHECK(w > 0 && h > 0 && w <= kMaxImageSide && h <= kMaxImageSide && int64_t(w) * h <= kMaxImagePixels,
            "image ", what, " claims ", w, "x", h, " pixels; at most ", kMaxImageSide, " per side and ",
            kMaxImagePixels, " pixels are accepted");
  info.width = w;
  info.height = h;
  info.channels = c;
  return info;
}

RgbImage decode_image(const uint8_t* data, size_t size, const std::string& what, ImageInfo* probed) {
  ImageInfo info = probe_image(data, size, what);
  if (probed) *probed = info;
  if (info.format == "png") check_png_chunks(data, size, what);
  int w = 0, h = 0, c = 0;
  unsigned char* px = stbi_load_from_memory(data, int(size), &w, &h, &c, 3);
  if (!px) fail("image ", what, " (", info.format, " ", info.width, "x", info.height, ") cannot be decoded: ", stbi_failure_reason());
  RgbImage img;
  img.width = w;
  img.height = h;
  img.rgb.assign(px, px + size_t(w) * h * 3);
  stbi_image_free(px);
  return img;
}

static void append_bytes(void* ctx, void* data, int size) {
  auto* out = static_cast<std::vector<uint8_t>*>(ctx);
  auto* p = static_cast<uint8_t*>(data);
  out->insert(out->end(), p, p + size);
}

std::vector<uint8_t> encode_png(const RgbImage& img) {
  TMF_CHECK(img.width > 0 && img.height > 0 && img.rgb.size() == size_t(img.width) * img.height * 3,
            "cannot encode a ", img.width, "x", img.height, " image from ", img.rgb.size(), " bytes");
  std::vector<uint8_t> out;
  if (!stbi_write_png_to_func(append_bytes, &out, img.width, img.height, 3, img.rgb.data(), img.width * 3))
    fail("PNG encoding of a ", img.width, "x", img.height, " image failed");
  return out;
}

ImageInfo check_image(const uint8_t* data, size_t size, const std::string& what) {
  ImageInfo info;
  decode_image(data, size, what, &info);
  return info;
}

}  // namespace tmf
