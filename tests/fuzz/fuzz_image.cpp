// libFuzzer target: PNG/JPEG bytes through the probe (header, CRCs, IEND) and the full decode.
#include "data/image.h"
#include "fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  tmf::fuzz::expect_clean([&] { (void)tmf::probe_image(data, size, "fuzz"); });
  tmf::fuzz::expect_clean([&] {
    tmf::ImageInfo info;
    tmf::RgbImage img = tmf::decode_image(data, size, "fuzz", &info);
    if (img.rgb.size() != size_t(img.width) * size_t(img.height) * 3) std::abort();
  });
  return 0;
}
