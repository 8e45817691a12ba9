// BPR, the pairwise loss MBGCN and MBRec train with (Rendle et al., UAI'09, "BPR: Bayesian
// Personalized Ranking from Implicit Feedback"): for each (user, next item) pair one negative item
// is drawn uniformly from the catalog, never the positive itself, and the loss is
//   -mean_b log sigmoid(q_b . i+_b - q_b . i-_b) + l2 * (|e_u|^2 + |e_i+|^2 + |e_i-|^2) / B
// with q the model's query vector, i the item vectors it scores with, and e the raw (layer-0)
// embeddings of the batch, as RecBole's BPRLoss + EmbLoss.
#pragma once
#include <torch/torch.h>

#include <cstdint>

namespace tmf {

class Rng;

// (B) item rows in 1..n_items on targets' device, each different from its target when n_items > 1.
torch::Tensor bpr_negatives(const torch::Tensor& targets, int64_t n_items, Rng& rng);

torch::Tensor bpr_loss(const torch::Tensor& q,             // (B, D) query vectors
                       const torch::Tensor& item_vectors,  // (N + 1, D) the vectors items are scored with
                       const torch::Tensor& targets,       // (B) positive item rows
                       const torch::Tensor& negatives,     // (B) bpr_negatives
                       torch::nn::Embedding& user_embeddings, torch::nn::Embedding& item_embeddings,
                       const torch::Tensor& user_rows,     // (B)
                       double l2);

}  // namespace tmf
