// Contrastive CLIP training; see clip_train.h.
#include "encoders/clip_train.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "util/error.h"
#include "util/rng.h"

namespace tmf {

std::pair<torch::Tensor, torch::Tensor> pad_token_batch(const std::vector<std::vector<int64_t>>& rows, int64_t pad_id) {
  TMF_CHECK(!rows.empty(), "no token sequences given");
  size_t T = 0;
  for (size_t i = 0; i < rows.size(); ++i) {
    TMF_CHECK(!rows[i].empty(), "token sequence ", i, " is empty");
    T = std::max(T, rows[i].size());
  }
  const int64_t B = int64_t(rows.size());
  torch::Tensor ids = torch::full({B, int64_t(T)}, pad_id, torch::kInt64);  // (B, T)
  torch::Tensor mask = torch::zeros({B, int64_t(T)}, torch::kInt64);       // (B, T)
  auto ia = ids.accessor<int64_t, 2>();
  auto ma = mask.accessor<int64_t, 2>();
  for (int64_t b = 0; b < B; ++b)
    for (size_t t = 0; t < rows[b].size(); ++t) {
      ia[b][int64_t(t)] = rows[b][t];
      ma[b][int64_t(t)] = 1;
    }
  return {ids, mask};
}

torch::Tensor to_pixel_tensor(const PixelValues& pv) {
  TMF_CHECK(pv.chw.size() == size_t(3 * pv.height * pv.width), "pixel values hold ", pv.chw.size(), " floats, not 3x",
            pv.height, "x", pv.width);
  return torch::from_blob(const_cast<float*>(pv.chw.data()), {1, 3, pv.height, pv.width}, torch::kFloat32).clone();
}

std::vector<double> train_clip(ClipModel& model, const ClipImageProcessorConfig& processor,
                               const std::vector<ClipPair>& pairs, const ClipTrainOptions& opt,
                               const Progress& progress) {
  TMF_CHECK(pairs.size() >= 2, "CLIP training needs at least 2 (image, text) pairs, got ", pairs.size());
  TMF_CHECK(opt.steps > 0 && opt.batch_size >= 2, "CLIP training: steps ", opt.steps, " and batch_size ", opt.batch_size,
            " must be positive (batch_size >= 2)");
  TMF_CHECK(opt.learning_rate > 0 && std::isfinite(opt.learning_rate), "CLIP training: learning rate ",
            opt.learning_rate, " must be positive");
  const torch::Device device(opt.device);

  // Decode and preprocess every image once.
  std::vector<torch::Tensor> pixels;  // each (1, 3, S, S)
  pixels.reserve(pairs.size());
  for (size_t i = 0; i < pairs.size(); ++i) {
    const auto& bytes = pairs[i].image_bytes;
    RgbImage img = decode_image(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(),
                                    "of pair " + std::to_string(i));
    pixels.push_back(to_pixel_tensor(clip_preprocess(img, processor)));
    if (i % 64 == 0) progress.report("train:clip:preprocess", double(i), double(pairs.size()));
  }

  model->to(device);
  model->train();
  torch::optim::Adam adam(model->parameters(),
                          torch::optim::AdamOptions(opt.learning_rate).weight_decay(opt.weight_decay));
  const int64_t B = std::min<int64_t>(opt.batch_size, int64_t(pairs.size()));
  Rng rng(opt.seed);
  std::vector<size_t> order(pairs.size());
  size_t cursor = order.size();  // forces a shuffle on the first step
  std::vector<double> losses;
  losses.reserve(size_t(opt.steps));
  for (int64_t step = 0; step < opt.steps; ++step) {
    std::vector<size_t> batch;
    while (int64_t(batch.size()) < B) {
      if (cursor == order.size()) {
        for (size_t i = 0; i < order.size(); ++i) order[i] = i;
        for (size_t i = order.size() - 1; i > 0; --i) std::swap(order[i], order[rng.below(i + 1)]);
        cursor = 0;
      }
      size_t idx = order[cursor++];
      if (std::find(batch.begin(), batch.end(), idx) == batch.end()) batch.push_back(idx);
    }
    std::vector<torch::Tensor> px;
    std::vector<std::vector<int64_t>> rows;
    for (size_t i : batch) {
      px.push_back(pixels[i]);
      rows.push_back(pairs[i].ids);
    }
    auto [ids, mask] = pad_token_batch(rows, model->config.text.pad_token_id);
    ClipOutput out = model->forward(torch::cat(px, 0).to(device), ids.to(device), mask.to(device));
    torch::Tensor loss = clip_contrastive_loss(out);
    adam.zero_grad();
    loss.backward();
    adam.step();
    {
      torch::NoGradGuard no_grad;
      model->logit_scale.clamp_(0.0, std::log(100.0));
    }
    double l = loss.item<double>();
    TMF_CHECK(std::isfinite(l), "CLIP training diverged at step ", step, ": loss ", l, " (learning rate ",
              opt.learning_rate, ")");
    losses.push_back(l);
    char msg[64];
    std::snprintf(msg, sizeof msg, "loss %.4f", l);
    progress.report("train:clip", double(step + 1), double(opt.steps), msg);
  }
  model->eval();
  return losses;
}

}  // namespace tmf
