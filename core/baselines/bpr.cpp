#include "baselines/bpr.h"

#include <vector>

#include "util/rng.h"

namespace tmf {

torch::Tensor bpr_negatives(const torch::Tensor& targets, int64_t n_items, Rng& rng) {
  const int64_t B = targets.size(0);
  std::vector<int64_t> neg(static_cast<size_t>(B));
  torch::Tensor tc = targets.to(torch::kCPU);
  auto ta = tc.accessor<int64_t, 1>();
  for (int64_t b = 0; b < B; ++b) {
    do neg[size_t(b)] = 1 + int64_t(rng.below(uint64_t(n_items)));
    while (neg[size_t(b)] == ta[b] && n_items > 1);
  }
  return torch::tensor(neg, torch::kInt64).to(targets.device());
}

torch::Tensor bpr_loss(const torch::Tensor& q, const torch::Tensor& item_vectors, const torch::Tensor& targets,
                       const torch::Tensor& negatives, torch::nn::Embedding& user_embeddings,
                       torch::nn::Embedding& item_embeddings, const torch::Tensor& user_rows, double l2) {
  const int64_t B = targets.size(0);
  torch::Tensor diff = (q * item_vectors.index_select(0, targets)).sum(-1) -
                       (q * item_vectors.index_select(0, negatives)).sum(-1);  // (B)
  torch::Tensor reg = (user_embeddings->forward(user_rows).pow(2).sum() + item_embeddings->forward(targets).pow(2).sum() +
                       item_embeddings->forward(negatives).pow(2).sum()) / double(B);
  return -torch::nn::functional::logsigmoid(diff).mean() + l2 * reg;
}

}  // namespace tmf
