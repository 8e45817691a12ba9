// tmf clip: CLIP embeddings from a Hugging Face CLIPModel directory (config.json,
// model.safetensors, preprocessor_config.json).
// Options: the Specs below (`tmf clip embed-image --help`, `tmf clip embed-text --help`).
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

const tmf::cli::Spec image_spec =
    tmf::cli::Spec("clip embed-image", "the CLIP image embedding of one image")
        .describe("Writes tensor image_embeds (1, P) float32 (projected, not normalised) to a safetensors file.")
        .required("model", "DIR", "Hugging Face CLIPModel folder (config.json, model.safetensors, preprocessor_config.json)")
        .required("out", "FILE", "safetensors file to write")
        .device("auto")
        .positionals("IMAGE", 1, 1, "a PNG or JPEG image")
        .example("tmf clip embed-image --model models/demo/clip photo.png --out photo.safetensors");

const tmf::cli::Spec text_spec =
    tmf::cli::Spec("clip embed-text", "CLIP text embeddings of token id rows")
        .describe(
            "Writes tensor text_embeds (N, P) float32 to a safetensors file; shorter rows are padded with "
            "pad_token_id and masked.")
        .required("model", "DIR", "Hugging Face CLIPModel folder (config.json, model.safetensors)")
        .required("out", "FILE", "safetensors file to write")
        .repeated("ids", "LIST", "(at least one) comma-separated token ids of one text")
        .device("auto")
        .example("tmf clip embed-text --model models/demo/clip --ids 49406,320,1929,49407 --out text.safetensors");

int embed_image(tmf::cli::Args& args) {
  const std::string model_dir = args.req("model");
  const std::string out = args.req("out");
  const std::string device = tmf::resolve_device(args.get("device"));
  const std::string image = args.positionals()[0];
  tmf::init_torch_threads();
  torch::NoGradGuard no_grad;
  auto processor = tmf::read_clip_image_processor_config(model_dir);
  tmf::ClipModel model = tmf::load_clip(model_dir, device);
  const std::string bytes = tmf::read_file(image);
  tmf::PixelValues pv = tmf::clip_preprocess(
      tmf::decode_image(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), "'" + image + "'"), processor);
  torch::Tensor emb = model->get_image_features(tmf::to_pixel_tensor(pv).to(torch::Device(device)));  // (1, P)
  tmf::st::save(out, {{"image_embeds", emb.to(torch::kFloat32)}});
  std::printf("image_embeds %lldx%lld -> %s\n", (long long)emb.size(0), (long long)emb.size(1), out.c_str());
  return 0;
}

int embed_text(tmf::cli::Args& args) {
  const std::string model_dir = args.req("model");
  const std::string out = args.req("out");
  const std::string device = tmf::resolve_device(args.get("device"));
  const std::vector<std::string> id_rows = args.all("ids");
  if (id_rows.empty()) throw tmf::cli::UsageError("embed-text needs at least one --ids 1,2,3");
  std::vector<std::vector<int64_t>> rows;
  for (const auto& r : id_rows) rows.push_back(parse_ids(r));
  tmf::init_torch_threads();
  torch::NoGradGuard no_grad;
  tmf::ClipModel model = tmf::load_clip(model_dir, device);
  auto [ids, mask] = tmf::pad_token_batch(rows, model->config.text.pad_token_id);
  torch::Tensor emb = model->get_text_features(ids.to(torch::Device(device)), mask.to(torch::Device(device)));  // (N, P)
  tmf::st::save(out, {{"text_embeds", emb.to(torch::kFloat32)}});
  std::printf("text_embeds %lldx%lld -> %s\n", (long long)emb.size(0), (long long)emb.size(1), out.c_str());
  return 0;
}

tmf::cli::RegisterGroup group("clip", "CLIP embeddings from a Hugging Face CLIPModel folder: embed-image, embed-text");
tmf::cli::Register reg_image(image_spec, embed_image);
tmf::cli::Register reg_text(text_spec, embed_text);
}  // namespace
