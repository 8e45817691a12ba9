// libFuzzer target: the `tmf infer --request` JSON (tmf/inference_requests.h) against a small
// dataset made once on /dev/shm (items P0..P9, behaviors view/cart/purchase, an image photo.png
// beside the request). Any document must give a request or a tmf::Error.
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "data/dataset.h"
#include "data/dataset_writer.h"
#include "data/image.h"
#include "fuzz_util.h"
#include "tmf/inference_requests.h"

namespace fs = std::filesystem;

namespace {
struct World {
  std::string dir;
  std::unique_ptr<tmf::Dataset> ds;
  World() {
    dir = "/dev/shm/tmf-fuzz-infer-" + std::to_string(::getpid());
    fs::remove_all(dir);
    fs::create_directories(dir);
    ds = std::make_unique<tmf::Dataset>(tmf::Dataset::create(dir + "/d.tmfdb", "fuzz"));
    ds->set_behaviors({"view", "cart", "purchase"}, "purchase");
    tmf::DatasetWriter w(*ds);
    const int64_t user = w.user("u0");
    for (int i = 0; i < 10; ++i) {
      tmf::ItemInput in;
      in.external_id = "P" + std::to_string(i);
      in.name = "Item " + std::to_string(i);
      w.event(user, w.item(in), ds->behavior_id("view"), i);
    }
    w.commit();
    tmf::RgbImage img;
    img.width = img.height = 2;
    img.rgb.assign(12, 128);
    const std::vector<uint8_t> png = tmf::encode_png(img);
    std::ofstream(dir + "/photo.png", std::ios::binary).write(reinterpret_cast<const char*>(png.data()), std::streamsize(png.size()));
  }
};
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static World world;
  const std::string text(reinterpret_cast<const char*>(data), size);
  tmf::fuzz::expect_clean([&] {
    const tmf::InferenceRequest rq = tmf::request_from_json_text(*world.ds, text, world.dir, "fuzz request");
    if (rq.history_items.size() != rq.history_behaviors.size()) std::abort();  // one behavior per step
    if (rq.expected >= int(rq.candidates.size())) std::abort();
  });
  return 0;
}
