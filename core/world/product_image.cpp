#include "world/product_image.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>

#include "util/error.h"
#include "util/strings.h"

namespace tmf::world {
namespace {

// A silhouette: which pixels belong to the product.
struct Mask {
  std::vector<uint8_t> m = std::vector<uint8_t>(kImageSide * kImageSide, 0);
  void set(int x, int y, bool v) {
    if (x >= 0 && y >= 0 && x < kImageSide && y < kImageSide) m[size_t(y) * kImageSide + x] = v;
  }
  bool get(int x, int y) const { return m[size_t(y) * kImageSide + x] != 0; }

  template <typename F>
  void fill(F inside, bool v = true) {
    for (int y = 0; y < kImageSide; ++y)
      for (int x = 0; x < kImageSide; ++x)
        if (inside(x + 0.5, y + 0.5)) set(x, y, v);
  }
  void rect(double x0, double y0, double x1, double y1, bool v = true) {
    fill([=](double x, double y) { return x >= x0 && x < x1 && y >= y0 && y < y1; }, v);
  }
  void rrect(double x0, double y0, double x1, double y1, double r, bool v = true) {
    fill([=](double x, double y) {
      if (x < x0 || x >= x1 || y < y0 || y >= y1) return false;
      double cx = std::clamp(x, x0 + r, x1 - r), cy = std::clamp(y, y0 + r, y1 - r);
      return (x - cx) * (x - cx) + (y - cy) * (y - cy) <= r * r;
    }, v);
  }
  void ellipse(double cx, double cy, double rx, double ry, bool v = true) {
    fill([=](double x, double y) { return (x - cx) * (x - cx) / (rx * rx) + (y - cy) * (y - cy) / (ry * ry) <= 1; }, v);
  }
  void ring(double cx, double cy, double rx, double ry, double w) {
    ellipse(cx, cy, rx, ry);
    ellipse(cx, cy, rx - w, ry - w, false);
  }
  void line(double x0, double y0, double x1, double y1, double w, bool v = true) {
    fill([=](double x, double y) {
      double dx = x1 - x0, dy = y1 - y0, len2 = dx * dx + dy * dy;
      double t = len2 > 0 ? std::clamp(((x - x0) * dx + (y - y0) * dy) / len2, 0.0, 1.0) : 0;
      double px = x0 + t * dx - x, py = y0 + t * dy - y;
      return px * px + py * py <= w * w / 4;
    }, v);
  }
  void poly(std::vector<std::array<double, 2>> p, bool v = true) {
    fill([&](double x, double y) {
      bool in = false;
      for (size_t i = 0, j = p.size() - 1; i < p.size(); j = i++) {
        if ((p[i][1] > y) != (p[j][1] > y) &&
            x < (p[j][0] - p[i][0]) * (y - p[i][1]) / (p[j][1] - p[i][1]) + p[i][0])
          in = !in;
      }
      return in;
    }, v);
  }
};

using Painter = std::function<void(Mask&)>;

const std::map<std::string, Painter>& shapes() {
  static const std::map<std::string, Painter> s = {
      {"phone", [](Mask& m) { m.rrect(20, 6, 44, 58, 5); m.rect(23, 11, 41, 50, false); m.rect(23, 11, 41, 12); }},
      {"case", [](Mask& m) { m.rrect(18, 5, 46, 59, 7); m.rrect(22, 9, 42, 55, 4, false); m.ellipse(37, 15, 3, 3); }},
      {"panel", [](Mask& m) { m.poly({{{16, 8}, {46, 4}, {48, 56}, {18, 60}}}); }},
      {"plug", [](Mask& m) { m.rrect(16, 20, 48, 52, 6); m.rect(24, 8, 28, 20); m.rect(36, 8, 40, 20); }},
      {"cable", [](Mask& m) {
         for (int k = 0; k < 3; ++k) m.ring(32, 24 + k * 9, 16 - k * 2, 7, 3);
         m.rect(8, 50, 20, 58); m.rect(44, 6, 56, 14); }},
      {"brick", [](Mask& m) { m.rrect(12, 14, 52, 50, 4); }},
      {"headphones", [](Mask& m) {
         m.ring(32, 34, 22, 24, 5); m.rect(6, 34, 58, 60, false);
         m.rrect(6, 32, 18, 56, 4); m.rrect(46, 32, 58, 56, 4); }},
      {"earbuds", [](Mask& m) { m.ellipse(20, 24, 9, 9); m.rect(17, 28, 23, 52); m.ellipse(44, 24, 9, 9); m.rect(41, 28, 47, 52); }},
      {"speaker", [](Mask& m) { m.rrect(10, 20, 54, 50, 14); }},
      {"laptop", [](Mask& m) { m.rrect(12, 8, 52, 40, 2); m.rect(16, 12, 48, 36, false); m.poly({{{4, 44}, {60, 44}, {56, 54}, {8, 54}}}); }},
      {"sleeve", [](Mask& m) { m.rrect(8, 14, 56, 54, 5); m.rect(8, 14, 56, 20, false); m.rect(10, 17, 54, 19); }},
      {"mouse", [](Mask& m) { m.ellipse(32, 34, 14, 22); m.rect(31, 12, 33, 26, false); }},
      {"keyboard", [](Mask& m) {
         m.rrect(4, 20, 60, 46, 3);
         for (int r = 0; r < 3; ++r)
           for (int c = 0; c < 8; ++c) m.rect(7 + c * 6.6, 23 + r * 7, 11 + c * 6.6, 27 + r * 7, false); }},
      {"monitor", [](Mask& m) { m.rect(6, 8, 58, 42); m.rect(10, 12, 54, 38, false); m.rect(29, 42, 35, 52); m.rect(18, 52, 46, 56); }},
      {"tablet", [](Mask& m) { m.rrect(12, 6, 52, 58, 5); m.rect(16, 10, 48, 52, false); m.ellipse(32, 55, 1.5, 1.5); }},
      {"watch", [](Mask& m) { m.rect(24, 4, 40, 60); m.rrect(17, 18, 47, 46, 6); m.rrect(21, 22, 43, 42, 3, false); }},
      {"sack", [](Mask& m) { m.poly({{{16, 10}, {48, 10}, {54, 58}, {10, 58}}}); m.rect(14, 14, 50, 17, false); }},
      {"bone", [](Mask& m) {
         m.line(16, 48, 48, 16, 10); m.ellipse(10, 46, 6, 6); m.ellipse(18, 54, 6, 6); m.ellipse(46, 10, 6, 6); m.ellipse(54, 18, 6, 6); }},
      {"can", [](Mask& m) { m.rect(16, 14, 48, 54); m.ellipse(32, 14, 16, 5); m.ellipse(32, 54, 16, 5); m.rect(16, 26, 48, 28, false); }},
      {"collar", [](Mask& m) { m.ring(32, 30, 22, 20, 6); m.ellipse(32, 54, 5, 5); }},
      {"leash", [](Mask& m) { m.ring(16, 14, 10, 10, 4); m.line(22, 22, 52, 54, 4); m.rrect(46, 50, 58, 60, 2); }},
      {"harness", [](Mask& m) { m.ring(32, 24, 18, 14, 5); m.rrect(14, 30, 50, 48, 6); m.line(32, 10, 32, 48, 4); }},
      {"bed", [](Mask& m) { m.ellipse(32, 38, 28, 18); m.ellipse(32, 36, 20, 10, false); m.ellipse(32, 38, 16, 7); }},
      {"ball", [](Mask& m) { m.ellipse(32, 32, 22, 22); }},
      {"fish", [](Mask& m) { m.ellipse(28, 32, 18, 11); m.poly({{{42, 32}, {58, 20}, {58, 44}}}); m.ellipse(18, 29, 2, 2, false); }},
      {"bowl", [](Mask& m) { m.poly({{{6, 28}, {58, 28}, {48, 52}, {16, 52}}}); m.ellipse(32, 28, 26, 5); m.ellipse(32, 28, 20, 3, false); }},
      {"tray", [](Mask& m) { m.poly({{{6, 26}, {58, 26}, {52, 54}, {12, 54}}}); m.rect(10, 28, 54, 32, false); }},
      {"post", [](Mask& m) { m.rect(10, 54, 54, 60); m.rect(26, 14, 38, 54); m.rect(16, 8, 48, 14); }},
      {"tshirt", [](Mask& m) {
         m.poly({{{20, 8}, {44, 8}, {60, 20}, {52, 30}, {46, 26}, {46, 58}, {18, 58}, {18, 26}, {12, 30}, {4, 20}}});
         m.ellipse(32, 8, 7, 5, false); }},
      {"shoe", [](Mask& m) { m.poly({{{8, 22}, {24, 22}, {34, 34}, {56, 40}, {58, 50}, {6, 50}}}); m.rect(6, 50, 58, 54); }},
      {"sock", [](Mask& m) { m.rect(22, 4, 36, 40); m.line(29, 38, 46, 52, 14); m.ellipse(46, 52, 8, 7); }},
      {"bottle", [](Mask& m) { m.rrect(20, 20, 44, 60, 4); m.poly({{{20, 22}, {44, 22}, {36, 12}, {28, 12}}}); m.rect(27, 4, 37, 12); }},
      {"mat", [](Mask& m) { m.rect(6, 30, 44, 56); m.ellipse(46, 30, 12, 12); m.ellipse(46, 30, 4, 4, false); }},
      {"dumbbell", [](Mask& m) { m.rect(14, 29, 50, 35); m.rrect(6, 18, 16, 46, 2); m.rrect(48, 18, 58, 46, 2); }},
      {"racket", [](Mask& m) {
         m.ring(32, 22, 16, 19, 4); m.line(32, 40, 32, 61, 5);
         for (int k = 0; k < 4; ++k) { m.rect(18, 12 + k * 7, 46, 13 + k * 7); m.rect(22 + k * 6.5, 6, 23 + k * 6.5, 38); } }},
      {"shorts", [](Mask& m) { m.poly({{{12, 10}, {52, 10}, {58, 52}, {36, 52}, {32, 30}, {28, 52}, {6, 52}}}); }},
      {"cap", [](Mask& m) { m.ellipse(30, 38, 20, 20); m.rect(6, 38, 60, 64, false); m.rrect(30, 34, 62, 42, 3); }},
      {"bag", [](Mask& m) { m.rrect(12, 14, 52, 60, 8); m.ring(32, 14, 10, 8, 3); m.rect(18, 36, 46, 38, false); }},
      {"helmet", [](Mask& m) {
         m.ellipse(32, 40, 26, 26); m.rect(4, 40, 62, 64, false); m.rect(6, 38, 58, 44);
         m.rect(20, 18, 23, 30, false); m.rect(30, 15, 33, 30, false); m.rect(40, 18, 43, 30, false); }},
  };
  return s;
}

const std::vector<std::string> kPatterns = {"solid", "stripes", "dots", "checks", "gradient", "zigzag"};

std::array<uint8_t, 3> tint(const std::array<uint8_t, 3>& c, double toward_white) {
  std::array<uint8_t, 3> out{};
  for (int k = 0; k < 3; ++k) out[k] = uint8_t(std::lround(c[k] + (255 - c[k]) * toward_white));
  return out;
}

std::array<uint8_t, 3> shade(const std::array<uint8_t, 3>& c, double toward_black) {
  std::array<uint8_t, 3> out{};
  for (int k = 0; k < 3; ++k) out[k] = uint8_t(std::lround(c[k] * (1 - toward_black)));
  return out;
}

}  // namespace

std::vector<std::string> known_shapes() {
  std::vector<std::string> out;
  for (const auto& [k, v] : shapes()) out.push_back(k);
  return out;
}

std::vector<std::string> known_patterns() { return kPatterns; }

RgbImage render_product(const std::string& shape, const std::array<uint8_t, 3>& colour, const std::string& pattern,
                        int variant) {
  auto it = shapes().find(shape);
  TMF_CHECK(it != shapes().end(), "unknown product shape '", shape, "'; known: ", join(known_shapes(), ", "));
  TMF_CHECK(std::count(kPatterns.begin(), kPatterns.end(), pattern), "unknown pattern '", pattern, "'; known: ",
            join(kPatterns, ", "));
  // Silhouettes are drawn once per shape and kept (drawing costs ~100 primitive passes).
  static const std::map<std::string, Mask> masks = [] {
    std::map<std::string, Mask> out;
    for (const auto& [name, paint] : shapes()) paint(out[name]);
    return out;
  }();
  const Mask& mask = masks.at(shape);
  const auto light = tint(colour, 0.6);
  const int phase = ((variant % 4) + 4) % 4;
  RgbImage img;
  img.width = img.height = kImageSide;
  img.rgb.resize(size_t(kImageSide) * kImageSide * 3);
  for (int y = 0; y < kImageSide; ++y) {
    for (int x = 0; x < kImageSide; ++x) {
      std::array<uint8_t, 3> px = kBackground;
      if (mask.get(x, y)) {
        const int xs = x + phase, ys = y + phase;
        bool alt = false;
        if (pattern == "stripes") alt = ys % 7 >= 5;
        else if (pattern == "dots") {
          int dx = xs % 9 - 4, dy = ys % 9 - 4;
          alt = dx * dx + dy * dy <= 5;
        } else if (pattern == "checks") alt = xs % 10 < 2 || ys % 10 < 2;
        else if (pattern == "zigzag") alt = (ys + std::abs(xs % 12 - 6)) % 8 < 3;
        if (pattern == "gradient") px = shade(colour, 0.55 * y / (kImageSide - 1));
        else px = alt ? light : colour;
      }
      uint8_t* p = img.at(x, y);
      p[0] = px[0];
      p[1] = px[1];
      p[2] = px[2];
    }
  }
  return img;
}

}  // namespace tmf::world
