// Product images: every shape renders, PNGs decode, and colour and pattern are recoverable.
#include <gtest/gtest.h>

#include <set>

#include "data/image.h"
#include "world/audit.h"
#include "world/product_image.h"

using namespace tmf::world;

static int dominant_bin(const std::vector<float>& h) { return int(std::max_element(h.begin(), h.end()) - h.begin()); }

TEST(ProductImage, EveryShapeIsDistinctAndOnBackground) {
  std::set<std::vector<uint8_t>> seen;
  for (const auto& shape : known_shapes()) {
    auto img = render_product(shape, {200, 30, 40}, "solid");
    ASSERT_EQ(img.width, kImageSide);
    int fg = 0;
    for (int y = 0; y < img.height; ++y)
      for (int x = 0; x < img.width; ++x) fg += img.at(x, y)[0] == 200;
    EXPECT_GT(fg, 200) << shape;                              // a visible silhouette
    EXPECT_LT(fg, kImageSide * kImageSide * 3 / 4) << shape;  // on a background
    EXPECT_TRUE(seen.insert(img.rgb).second) << shape << " looks like another shape";
  }
}

TEST(ProductImage, ColourRecoverableFromDecodedPng) {
  const std::vector<std::array<uint8_t, 3>> colours = {{200, 30, 40}, {40, 90, 210}, {40, 160, 60}, {25, 25, 25}};
  for (const auto& pattern : known_patterns()) {
    std::set<int> bins;
    for (const auto& c : colours) {
      auto png = tmf::encode_png(render_product("tshirt", c, pattern));
      auto img = tmf::decode_image(png, "test");
      auto h = colour_histogram(img);
      bins.insert(dominant_bin(h));
      if (pattern != "gradient") {
        EXPECT_EQ(dominant_bin(h), (c[0] >> 6) * 16 + (c[1] >> 6) * 4 + (c[2] >> 6)) << pattern;
      }
    }
    EXPECT_EQ(bins.size(), colours.size()) << "colours not told apart under pattern " << pattern;
  }
}

TEST(ProductImage, PatternsDiffer) {
  std::set<std::vector<uint8_t>> seen;
  for (const auto& pattern : known_patterns()) {
    auto img = render_product("bag", {40, 90, 210}, pattern);
    std::set<std::array<uint8_t, 3>> cols;
    for (int y = 0; y < img.height; ++y)
      for (int x = 0; x < img.width; ++x) cols.insert({img.at(x, y)[0], img.at(x, y)[1], img.at(x, y)[2]});
    if (pattern == "solid") {
      EXPECT_EQ(cols.size(), 2u);
    } else {
      EXPECT_GE(cols.size(), 3u) << pattern;
    }
    EXPECT_TRUE(seen.insert(img.rgb).second) << pattern;
  }
  EXPECT_THROW(render_product("spaceship", {1, 2, 3}, "solid"), tmf::Error);
  EXPECT_THROW(render_product("bag", {1, 2, 3}, "paisley"), tmf::Error);
}
