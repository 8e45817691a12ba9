// Embeds one item's image and text with a saved item CLIP (the encoder build_item_embeddings
// trains and copies into model packages), exactly as the dataset's cached items were embedded:
// the same preprocessing (item_clip_processor) and the same text ids (item_clip_text_ids). Used
// by inference for an analyst's synthetic items, and by training for the whole catalog. Items
// without an image get a zero image embedding (paper §3.2: e^img, e^txt).
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "encoders/clip_image_processor.h"

namespace tmf {

class Tokenizer;

// Square resize-and-crop to `size` pixels, CLIP's mean/std.
ClipImageProcessorConfig item_clip_processor(int64_t size);

// Text ids: the item text cut to fit max_tokens, then the CLIP EOS (an id of its own after the
// tokenizer's pieces, since CLIP treats eos id 2 as "pool at the largest id").
std::vector<int64_t> item_clip_text_ids(const Tokenizer& tok, const std::string& text, int64_t max_tokens, int64_t eos);

class ItemEmbedder {
 public:
  ItemEmbedder(const std::string& clip_dir, const std::string& tokenizer_path, const std::string& device = "cpu");
  ~ItemEmbedder();
  ItemEmbedder(ItemEmbedder&&) noexcept;
  int64_t dim() const;
  // image: encoded PNG/JPEG bytes or empty. Returns (image embedding, text embedding), each dim().
  std::pair<std::vector<float>, std::vector<float>> embed(const std::string& text,
                                                          const std::vector<unsigned char>& image) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tmf
