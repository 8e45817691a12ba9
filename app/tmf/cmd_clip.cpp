// tmf clip: CLIP embeddings from a Hugging Face CLIPModel directory (config.json,
// model.safetensors, preprocessor_config.json).
//   tmf clip embed-image --model DIR IMAGE --out FILE [--device cpu|cuda|auto]
//       writes tensor image_embeds (1, P) float32 (projected, not normalised)
//   tmf clip embed-text --model DIR --ids 1,2,3 [--ids ...] --out FILE [--device ...]
//       writes tensor text_embeds (N, P); shorter rows are padded with pad_token_id and masked
#include <torch/torch.h>

#include <cstdio>

#include "command.h"
#include "encoders/clip_image_processor.h"
#include "encoders/clip_model.h"
#include "encoders/clip_train.h"
#include "data/image.h"
#include "llm/device.h"
#include "llm/safetensors_torch.h"
#include "util/error.h"
#include "util/strings.h"

namespace {

std::vector<int64_t> parse_ids(const std::string& s) {
  std::vector<int64_t> out;
  for (auto part : tmf::split(s, ',')) {
    long long v;
    TMF_CHECK(tmf::parse_int64(part, v), "--ids '", s, "': '", std::string(part), "' is not an integer");
    out.push_back(v);
  }
  TMF_CHECK(!out.empty(), "--ids '", s, "' holds no ids");
  return out;
}

int run_clip(tmf::cli::Args& args) {
  const std::string model_dir = args.req("model");
  const std::string out = args.req("out");
  const std::string device = tmf::resolve_device(args.get("device", "auto"));
  std::vector<std::string> id_rows = args.all("ids");
  std::vector<std::string> pos = args.positionals();
  args.finish();
  TMF_CHECK(!pos.empty(), "usage: tmf clip embed-image|embed-text --model DIR ... --out FILE");
  const std::string sub = pos[0];
  tmf::init_torch_threads();
  torch::NoGradGuard no_grad;

  if (sub == "embed-image") {
    TMF_CHECK(pos.size() == 2, "usage: tmf clip embed-image --model DIR IMAGE --out FILE");
    TMF_CHECK(id_rows.empty(), "--ids belongs to embed-text");
    auto processor = tmf::read_clip_image_processor_config(model_dir);
    tmf::ClipModel model = tmf::load_clip(model_dir, device);
    const std::string bytes = tmf::read_file(pos[1]);
    tmf::PixelValues pv = tmf::clip_preprocess(
        tmf::decode_image(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), "'" + pos[1] + "'"), processor);
    torch::Tensor emb = model->get_image_features(tmf::to_pixel_tensor(pv).to(torch::Device(device)));  // (1, P)
    tmf::st::save(out, {{"image_embeds", emb.to(torch::kFloat32)}});
    std::printf("image_embeds %lldx%lld -> %s\n", (long long)emb.size(0), (long long)emb.size(1), out.c_str());
    return 0;
  }
  if (sub == "embed-text") {
    TMF_CHECK(pos.size() == 1, "unexpected argument '", pos.size() > 1 ? pos[1] : "", "' for embed-text");
    TMF_CHECK(!id_rows.empty(), "embed-text needs at least one --ids 1,2,3");
    tmf::ClipModel model = tmf::load_clip(model_dir, device);
    std::vector<std::vector<int64_t>> rows;
    for (const auto& r : id_rows) rows.push_back(parse_ids(r));
    auto [ids, mask] = tmf::pad_token_batch(rows, model->config.text.pad_token_id);
    torch::Tensor emb = model->get_text_features(ids.to(torch::Device(device)), mask.to(torch::Device(device)));  // (N, P)
    tmf::st::save(out, {{"text_embeds", emb.to(torch::kFloat32)}});
    std::printf("text_embeds %lldx%lld -> %s\n", (long long)emb.size(0), (long long)emb.size(1), out.c_str());
    return 0;
  }
  tmf::fail("unknown clip subcommand '", sub, "' (expected embed-image or embed-text)");
}

tmf::cli::Register reg("clip", "CLIP embeddings: embed-image, embed-text", run_clip);
}  // namespace
