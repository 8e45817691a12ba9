#include "llm/answer_loss.h"

#include <torch/torch.h>

#include "llm/copy_head.h"
#include "llm/llama.h"
#include "util/error.h"

namespace tmf {

torch::Tensor answer_loss(LlamaImpl& m, const torch::Tensor& embeds, const torch::Tensor& mask,
                          const torch::Tensor& labels, const CopyInputs& copy) {
  TMF_CHECK(labels.defined() && labels.dim() == 2 && labels.sizes() == mask.sizes(),
            "answer_loss: labels must be (B, T) like the mask ", mask.sizes(), ", got ",
            labels.defined() ? labels.sizes() : torch::IntArrayRef{});
  auto hidden = m.model->forward(embeds.to(m.device(), m.dtype()), mask, nullptr, nullptr);  // (B, T, C)
  const int64_t C = hidden.size(-1);
  auto target = labels.to(hidden.device()).slice(1, 1).reshape({-1});                              // (B*(T-1))
  auto where = (target != -100).nonzero().squeeze(1);                          // (n)
  TMF_CHECK(where.numel() > 0, "answer_loss: the batch has no answer tokens");
  auto h = hidden.slice(1, 0, hidden.size(1) - 1).reshape({-1, C}).index_select(0, where);  // (n, C)
  auto y = target.index_select(0, where);                                      // (n)
  if (m.copy_head && copy.defined()) {
    const CopySource src = copy_source(m, hidden, copy);
    const int64_t Tm1 = hidden.size(1) - 1, M = m.copy_head->depth;
    auto rows = torch::div(where, Tm1, "floor");                                 // (n) batch row of each state
    auto recent = recent_from_labels(labels.to(hidden.device()), M).slice(1, 0, Tm1).reshape({-1, std::max<int64_t>(M, 1)})
                      .index_select(0, where);                                   // (n, M)
    auto lp = next_token_log_probs(m, h, &src, rows, recent);                    // (n, V)
    return torch::nn::functional::nll_loss(lp, y.to(lp.device()));
  }
  auto logits = m.logits(h).to(torch::kFloat32);                              // (n, V)
  return torch::nn::functional::cross_entropy(logits, y);
}

}  // namespace tmf
