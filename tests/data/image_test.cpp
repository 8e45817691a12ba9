#include <gtest/gtest.h>

#include "data/image.h"
#include "util/error.h"

using namespace tmf;

static RgbImage checker(int w, int h) {
  RgbImage img;
  img.width = w;
  img.height = h;
  img.rgb.resize(size_t(w) * h * 3);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      uint8_t* p = img.at(x, y);
      p[0] = uint8_t(x * 4);
      p[1] = uint8_t(y * 4);
      p[2] = ((x / 8 + y / 8) % 2) ? 255 : 0;
    }
  return img;
}

TEST(Image, PngRoundTripIsLossless) {
  RgbImage img = checker(40, 24);
  auto png = encode_png(img);
  ImageInfo info = probe_image(png.data(), png.size(), "test");
  EXPECT_EQ(info.format, "png");
  EXPECT_EQ(info.width, 40);
  EXPECT_EQ(info.height, 24);
  RgbImage back = decode_image(png, "test");
  ASSERT_EQ(back.width, 40);
  ASSERT_EQ(back.height, 24);
  EXPECT_EQ(back.rgb, img.rgb);
}

// A PNG whose header claims 50000x50000 pixels must be refused before any allocation.
TEST(Image, AbsurdHeaderIsRefused) {
  auto png = encode_png(checker(8, 8));
  auto put32 = [&](size_t off, uint32_t v) {
    png[off] = uint8_t(v >> 24);
    png[off + 1] = uint8_t(v >> 16);
    png[off + 2] = uint8_t(v >> 8);
    png[off + 3] = uint8_t(v);
  };
  put32(16, 50000);  // IHDR width
  put32(20, 50000);  // IHDR height
  try {
    decode_image(png, "item 7");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    std::string m = e.what();
    EXPECT_NE(m.find("50000x50000"), std::string::npos) << m;
    EXPECT_NE(m.find("item 7"), std::string::npos) << m;
  }
}

TEST(Image, GarbageAndTruncatedAreRefused) {
  std::vector<uint8_t> junk = {'G', 'I', 'F', '8', '9', 'a', 1, 2, 3};
  EXPECT_THROW(decode_image(junk, "junk"), Error);
  EXPECT_THROW(decode_image(std::vector<uint8_t>{}, "empty"), Error);
  auto png = encode_png(checker(32, 32));
  png.resize(40);  // header intact, data cut
  EXPECT_THROW(decode_image(png, "truncated"), Error);
  std::vector<uint8_t> fake_jpeg = {0xFF, 0xD8, 0xFF, 0xE0, 0, 0, 0, 0};
  EXPECT_THROW(decode_image(fake_jpeg, "fake jpeg"), Error);
}

// A catalog's truncated PNG was once stored although `clip embed-image` refused it, and a bad
// CRC went unnoticed: check_image (what the dataset writer calls) and decode_image agree.
TEST(Image, StoredImagesPassTheDecodersChecks) {
  const auto good = encode_png(checker(32, 32));
  EXPECT_EQ(check_image(good.data(), good.size(), "good").width, 32);
  auto cut = good;
  cut.resize(good.size() - 12);  // the IEND chunk gone: stb_image alone decodes this
  for (auto* f : {+[](const std::vector<uint8_t>& b) { check_image(b.data(), b.size(), "cut"); },
                  +[](const std::vector<uint8_t>& b) { decode_image(b, "cut"); }}) {
    try {
      f(cut);
      ADD_FAILURE() << "a truncated PNG passed";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("truncated PNG"), std::string::npos) << e.what();
    }
  }
  auto bad_crc = good;
  bad_crc[8 + 8 + 13] ^= 0x55;  // the IHDR chunk's CRC
  try {
    check_image(bad_crc.data(), bad_crc.size(), "crc");
    ADD_FAILURE() << "a bad CRC passed";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("bad CRC of chunk 'IHDR'"), std::string::npos) << e.what();
  }
  EXPECT_THROW(decode_image(bad_crc, "crc"), Error);
}
