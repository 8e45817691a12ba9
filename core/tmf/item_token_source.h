// External item tokens for a TmfModel without TMF's heads (LLaRA, baselines/llara.h: the item
// token of an item is projector(SASRec item embedding)). A model built with a source has no fusion
// module, no adaptors and no behavior tokens; its [MT_i] embeddings, for history and candidate
// items alike, are the source's.
#pragma once
#include <torch/nn/module.h>

#include <functional>
#include <memory>
#include <vector>

namespace tmf {

struct ItemTokenSource {
  std::function<torch::Tensor(const std::vector<int64_t>& item_ids)> embed;  // -> (n, C)
  std::shared_ptr<torch::nn::Module> module;  // owns embed's trainable parameters (tuned by tune_tmf)
};

}  // namespace tmf
