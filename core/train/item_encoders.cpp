#include "train/item_encoders.h"

#include <filesystem>

#include "data/image.h"
#include "encoders/clip_train.h"
#include "encoders/item_embedder.h"
#include "graph/embedding_cache.h"
#include "llm/tokenizer.h"
#include "util/error.h"
#include "util/sha256.h"
#include "util/strings.h"

namespace tmf {
namespace fs = std::filesystem;

ItemEmbeddings build_item_embeddings(Dataset& ds, const std::string& tokenizer_path, const std::string& clip_dir,
                                     const ItemEncoderOptions& o, const Progress& progress) {
  Tokenizer tok = Tokenizer::load(tokenizer_path);
  const auto items = ds.items();
  TMF_CHECK(items.size() >= 2, "dataset '", ds.path(), "' has ", items.size(), " items: too few to train a CLIP");
  ItemEmbeddings out;
  ClipModel model{nullptr};
  torch::manual_seed(o.seed);
  if (!fs::exists(clip_dir + "/model.safetensors")) {
    ClipConfig c;
    c.text.vocab_size = tok.vocab_size() + 1;
    c.text.eos_token_id = tok.vocab_size();
    c.text.bos_token_id = tok.bos_id();
    c.text.pad_token_id = 0;
    c.text.hidden_size = o.hidden;
    c.text.intermediate_size = 2 * o.hidden;
    c.text.num_hidden_layers = o.layers;
    c.text.num_attention_heads = o.heads;
    c.text.max_position_embeddings = o.max_text_tokens;
    c.vision.hidden_size = o.hidden;
    c.vision.intermediate_size = 2 * o.hidden;
    c.vision.num_hidden_layers = o.layers;
    c.vision.num_attention_heads = o.heads;
    c.vision.image_size = o.image_size;
    c.vision.patch_size = o.patch_size;
    c.projection_dim = o.projection_dim;
    validate(c, "item CLIP");
    model = make_clip(c, o.seed);
    std::vector<ClipPair> pairs;
    for (auto& it : items) {
      if (it.image_format.empty()) continue;
      auto bytes = ds.item_image(it.id);
      pairs.push_back(ClipPair{std::string(bytes.begin(), bytes.end()),
                               item_clip_text_ids(tok, it.text(), o.max_text_tokens, c.text.eos_token_id)});
    }
    // A dataset without images (MovieLens) has no pairs to contrast: the CLIP keeps its seeded
    // initialisation, every image embedding is zero and the text embeddings are the untrained text
    // tower's projection (out.losses stays empty). One lone image cannot be contrasted either.
    TMF_CHECK(pairs.size() != 1, "dataset '", ds.path(),
              "' has 1 item with an image: a CLIP cannot be trained on it (give a pretrained one)");
    if (!pairs.empty()) {
      ClipTrainOptions to;
      to.steps = o.steps;
      to.batch_size = o.batch;
      to.learning_rate = o.lr;
      to.seed = o.seed;
      to.device = o.device;
      out.losses = train_clip(model, item_clip_processor(o.image_size), pairs, to, progress);
    }
    save_clip(model, clip_dir);
  } else {
    model = load_clip(clip_dir, o.device);
  }
  out.version = sha256_hex(read_file(clip_dir + "/model.safetensors"));
  model->eval();
  torch::NoGradGuard ng;
  const auto& cfg = model->config;
  const auto dev = torch::Device(o.device);
  const auto proc = item_clip_processor(cfg.vision.image_size);

  auto embed_all = [&](bool images) {
    EmbeddingTable t;
    t.dim = cfg.projection_dim;
    const size_t B = 64;
    for (size_t start = 0; start < items.size(); start += B) {
      const size_t end = std::min(items.size(), start + B);
      torch::Tensor feats;  // (b, P)
      if (images) {
        std::vector<torch::Tensor> px;
        std::vector<size_t> with_image;
        for (size_t i = start; i < end; ++i) {
          if (items[i].image_format.empty()) continue;
          auto bytes = ds.item_image(items[i].id);
          px.push_back(to_pixel_tensor(clip_preprocess(decode_image(bytes, "of item " + items[i].external_id), proc)));
          with_image.push_back(i - start);
        }
        feats = torch::zeros({int64_t(end - start), cfg.projection_dim});
        if (!px.empty()) {
          auto f = model->get_image_features(torch::cat(px, 0).to(dev)).cpu();
          for (size_t k = 0; k < with_image.size(); ++k) feats[int64_t(with_image[k])] = f[int64_t(k)];
        }
      } else {
        std::vector<std::vector<int64_t>> rows;
        for (size_t i = start; i < end; ++i)
          rows.push_back(item_clip_text_ids(tok, items[i].text(), cfg.text.max_position_embeddings, cfg.text.eos_token_id));
        auto [ids, mask] = pad_token_batch(rows, cfg.text.pad_token_id);
        feats = model->get_text_features(ids.to(dev), mask.to(dev)).cpu();
      }
      feats = feats.contiguous();
      for (size_t i = start; i < end; ++i) t.keys.push_back(items[i].id);
      t.data.insert(t.data.end(), feats.data_ptr<float>(), feats.data_ptr<float>() + feats.numel());
      progress.report(images ? "embed:image" : "embed:text", double(end), double(items.size()));
    }
    return t;
  };
  EmbeddingTable img = get_or_compute_embeddings(ds, "clip-image", out.version, [&] { return embed_all(true); });
  EmbeddingTable txt = get_or_compute_embeddings(ds, "clip-text", out.version, [&] { return embed_all(false); });
  TMF_CHECK(img.keys == txt.keys, "cached image and text embeddings of '", ds.path(), "' cover different items");
  out.item_ids = img.keys;
  out.image = std::move(img.data);
  out.text = std::move(txt.data);
  out.dim = img.dim;
  return out;
}

}  // namespace tmf
