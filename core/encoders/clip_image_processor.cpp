// PIL-compatible resampling and the CLIP preprocessing chain; see clip_image_processor.h.
// The resampler follows Pillow's libImaging/Resample.c: separable passes (horizontal, then
// vertical), support scaled by the downscale factor (antialias), coefficients normalised and
// converted to 22-bit fixed point, each pass rounded and clamped to 8 bits.
#include "encoders/clip_image_processor.h"

#include <algorithm>
#include <cmath>

#include "util/error.h"

namespace tmf {
namespace {
constexpr int kPrecisionBits = 32 - 8 - 2;

double bicubic(double x) {
  constexpr double a = -0.5;
  x = std::fabs(x);
  if (x < 1.0) return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
  if (x < 2.0) return (((x - 5) * x + 8) * x - 4) * a;
  return 0.0;
}
double bilinear(double x) {
  x = std::fabs(x);
  return x < 1.0 ? 1.0 - x : 0.0;
}

struct Coeffs {
  std::vector<int> bounds;  // per output: xmin, count
  std::vector<int32_t> k;   // per output: ksize fixed-point weights
  int ksize = 0;
};

Coeffs precompute(int in_size, int out_size, Resample filter) {
  double support0 = filter == Resample::Bicubic ? 2.0 : 1.0;
  double scale = double(in_size) / out_size;
  double filterscale = std::max(scale, 1.0);
  double support = support0 * filterscale;
  Coeffs c;
  c.ksize = int(std::ceil(support)) * 2 + 1;
  c.bounds.resize(size_t(out_size) * 2);
  c.k.assign(size_t(out_size) * c.ksize, 0);
  std::vector<double> w(c.ksize);
  for (int xx = 0; xx < out_size; ++xx) {
    double center = (xx + 0.5) * scale;
    double ss = 1.0 / filterscale;
    int xmin = int(center - support + 0.5);  // truncation as in C
    if (xmin < 0) xmin = 0;
    int xmax = int(center + support + 0.5);
    if (xmax > in_size) xmax = in_size;
    xmax -= xmin;
    double ww = 0;
    for (int x = 0; x < xmax; ++x) {
      double v = (x + xmin - center + 0.5) * ss;
      w[x] = filter == Resample::Bicubic ? bicubic(v) : bilinear(v);
      ww += w[x];
    }
    for (int x = 0; x < xmax; ++x) {
      double k = ww != 0.0 ? w[x] / ww : w[x];
      c.k[size_t(xx) * c.ksize + x] = int32_t(k < 0 ? std::trunc(-0.5 + k * (1 << kPrecisionBits))
                                                    : std::trunc(0.5 + k * (1 << kPrecisionBits)));
    }
    c.bounds[size_t(xx) * 2] = xmin;
    c.bounds[size_t(xx) * 2 + 1] = xmax;
  }
  return c;
}

uint8_t clip8(int64_t v) {
  if (v >= (int64_t(1) << kPrecisionBits << 8)) return 255;
  if (v <= 0) return 0;
  return uint8_t(v >> kPrecisionBits);
}

// One separable pass along x (horizontal) or y (vertical).
RgbImage pass(const RgbImage& in, int out_size, bool horizontal, Resample filter) {
  RgbImage out;
  out.width = horizontal ? out_size : in.width;
  out.height = horizontal ? in.height : out_size;
  out.rgb.resize(size_t(out.width) * out.height * 3);
  Coeffs c = precompute(horizontal ? in.width : in.height, out_size, filter);
  for (int y = 0; y < out.height; ++y) {
    for (int x = 0; x < out.width; ++x) {
      int o = horizontal ? x : y;
      int xmin = c.bounds[size_t(o) * 2], cnt = c.bounds[size_t(o) * 2 + 1];
      const int32_t* k = &c.k[size_t(o) * c.ksize];
      for (int ch = 0; ch < 3; ++ch) {
        int64_t ss = int64_t(1) << (kPrecisionBits - 1);
        for (int i = 0; i < cnt; ++i) {
          int sx = horizontal ? xmin + i : x, sy = horizontal ? y : xmin + i;
          ss += int64_t(in.rgb[(size_t(sy) * in.width + sx) * 3 + ch]) * k[i];
        }
        out.rgb[(size_t(y) * out.width + x) * 3 + ch] = clip8(ss);
      }
    }
  }
  return out;
}
}  // namespace

RgbImage resize_rgb(const RgbImage& image, int out_w, int out_h, Resample filter) {
  TMF_CHECK(image.width > 0 && image.height > 0 && image.rgb.size() == size_t(image.width) * image.height * 3,
            "resize: invalid image ", image.width, "x", image.height, " with ", image.rgb.size(), " bytes");
  TMF_CHECK(out_w > 0 && out_h > 0 && out_w <= kMaxImageSide && out_h <= kMaxImageSide, "resize: invalid target size ",
            out_w, "x", out_h);
  RgbImage cur = image;
  if (out_w != cur.width) cur = pass(cur, out_w, /*horizontal=*/true, filter);
  if (out_h != cur.height) cur = pass(cur, out_h, /*horizontal=*/false, filter);
  return cur;
}

PixelValues clip_preprocess(const RgbImage& image, const ClipImageProcessorConfig& cfg) {
  RgbImage img = image;  // decode_image already gives RGB (do_convert_rgb)
  if (cfg.do_resize) {
    int out_w, out_h;
    if (cfg.shortest_edge > 0) {
      // transformers get_resize_output_image_size(default_to_square=False): long side truncated.
      int64_t s = cfg.shortest_edge;
      if (img.width <= img.height) {
        out_w = int(s);
        out_h = int(std::max<int64_t>(1, int64_t(double(s) * img.height / img.width)));
      } else {
        out_h = int(s);
        out_w = int(std::max<int64_t>(1, int64_t(double(s) * img.width / img.height)));
      }
    } else {
      out_w = int(cfg.resize_width);
      out_h = int(cfg.resize_height);
    }
    img = resize_rgb(img, out_w, out_h, cfg.resample);
  }
  int64_t H = img.height, W = img.width;
  int64_t top = 0, left = 0;  // source offset of output (0, 0); negative means zero padding
  if (cfg.do_center_crop) {
    top = (img.height - cfg.crop_height) / 2;
    left = (img.width - cfg.crop_width) / 2;
    if (img.height < cfg.crop_height) top = -((cfg.crop_height - img.height) / 2);
    if (img.width < cfg.crop_width) left = -((cfg.crop_width - img.width) / 2);
    H = cfg.crop_height;
    W = cfg.crop_width;
  }
  PixelValues out;
  out.height = H;
  out.width = W;
  out.chw.assign(size_t(3 * H * W), 0.0f);
  for (int ch = 0; ch < 3; ++ch) {
    for (int64_t y = 0; y < H; ++y) {
      for (int64_t x = 0; x < W; ++x) {
        int64_t sy = y + top, sx = x + left;
        double v = 0;
        if (sy >= 0 && sy < img.height && sx >= 0 && sx < img.width) v = img.rgb[(size_t(sy) * img.width + sx) * 3 + ch];
        if (cfg.do_rescale) v *= cfg.rescale_factor;
        if (cfg.do_normalize) v = (v - cfg.image_mean[ch]) / cfg.image_std[ch];
        out.chw[size_t((ch * H + y) * W + x)] = float(v);
      }
    }
  }
  return out;
}

}  // namespace tmf
