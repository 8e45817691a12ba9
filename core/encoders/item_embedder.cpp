#include "encoders/item_embedder.h"

#include <torch/torch.h>

#include "data/image.h"
#include "encoders/clip_model.h"
#include "encoders/clip_train.h"
#include "llm/tokenizer.h"

namespace tmf {

ClipImageProcessorConfig item_clip_processor(int64_t size) {
  ClipImageProcessorConfig p;
  p.shortest_edge = size;
  p.crop_height = p.crop_width = size;
  return p;
}

std::vector<int64_t> item_clip_text_ids(const Tokenizer& tok, const std::string& text, int64_t max_tokens, int64_t eos) {
  std::vector<int64_t> ids;
  for (int id : tok.encode(text)) {
    if (int64_t(ids.size()) + 1 >= max_tokens) break;
    ids.push_back(id);
  }
  ids.push_back(eos);
  return ids;
}

struct ItemEmbedder::Impl {
  ClipModel model{nullptr};
  Tokenizer tok;
  torch::Device device{torch::kCPU};
  ClipImageProcessorConfig proc;
};

ItemEmbedder::ItemEmbedder(const std::string& clip_dir, const std::string& tokenizer_path, const std::string& device)
    : impl_(new Impl{load_clip(clip_dir, device), Tokenizer::load(tokenizer_path), torch::Device(device), {}}) {
  impl_->model->eval();
  impl_->proc = item_clip_processor(impl_->model->config.vision.image_size);
}
ItemEmbedder::~ItemEmbedder() = default;
ItemEmbedder::ItemEmbedder(ItemEmbedder&&) noexcept = default;

int64_t ItemEmbedder::dim() const { return impl_->model->config.projection_dim; }

std::pair<std::vector<float>, std::vector<float>> ItemEmbedder::embed(const std::string& text,
                                                                      const std::vector<unsigned char>& image) const {
  torch::NoGradGuard ng;
  const auto& cfg = impl_->model->config;
  std::vector<float> img(size_t(cfg.projection_dim), 0.f), txt;
  if (!image.empty()) {
    auto px = to_pixel_tensor(clip_preprocess(decode_image(image.data(), image.size(), "of the new item"), impl_->proc));
    auto f = impl_->model->get_image_features(px.to(impl_->device)).cpu().contiguous();  // (1, P)
    img.assign(f.data_ptr<float>(), f.data_ptr<float>() + f.numel());
  }
  auto [ids, mask] = pad_token_batch(
      {item_clip_text_ids(impl_->tok, text, cfg.text.max_position_embeddings, cfg.text.eos_token_id)},
      cfg.text.pad_token_id);
  auto f = impl_->model->get_text_features(ids.to(impl_->device), mask.to(impl_->device)).cpu().contiguous();  // (1, P)
  txt.assign(f.data_ptr<float>(), f.data_ptr<float>() + f.numel());
  return {std::move(img), std::move(txt)};
}

}  // namespace tmf
