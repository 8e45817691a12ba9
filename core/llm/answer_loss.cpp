#include "llm/answer_loss.h"

#include <torch/torch.h>

#include "llm/llama.h"
#include "util/error.h"

namespace tmf {

torch::Tensor answer_loss(LlamaImpl& m, const torch::Tensor& embeds, const torch::Tensor& mask,
                          const torch::Tensor& labels) {
  TMF_CHECK(labels.defined() && labels.dim() == 2 && labels.sizes() == mask.sizes(),
            "answer_loss: labels must be (B, T) like the mask ", mask.sizes(), ", got ",
            labels.defined() ? labels.sizes() : torch::IntArrayRef{});
  auto hidden = m.model->forward(embeds.to(m.device(), m.dtype()), mask, nullptr, nullptr);  // (B, T, C)
  const int64_t C = hidden.size(-1);
  auto target = labels.slice(1, 1).reshape({-1});                              // (B*(T-1))
  auto where = (target != -100).nonzero().squeeze(1);                          // (n)
  TMF_CHECK(where.numel() > 0, "answer_loss: the batch has no answer tokens");
  auto h = hidden.slice(1, 0, hidden.size(1) - 1).reshape({-1, C}).index_select(0, where);  // (n, C)
  auto logits = m.logits(h).to(torch::kFloat32);                              // (n, V)
  return torch::nn::functional::cross_entropy(logits, target.index_select(0, where));
}

}  // namespace tmf
