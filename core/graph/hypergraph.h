// The per-sequence hypergraph of MBHT (Yang et al., KDD'22, §4.3; design/references.md): vertices
// are the positions of one behavior sequence.
//  - Item-wise semantic hyperedges: cosine similarity between the gated item embeddings of the
//    positions; position t joins the hyperedge e_u of each of its top-k most similar valid
//    positions u (t itself always among them). Edge slots 0..T-1.
//  - Behavior-wise hyperedges: an item occurring at several valid positions under at least two
//    different behaviors gets one hyperedge joining those occurrences (slot T + first position).
//    Masked positions (item = mask row) carry no item and join none.
// Propagation G = Dv^-1 H De^-1 H^T (empty edges and padded vertices contribute zero).
// Limits: H is built without gradient (top-k is not differentiable); the behavior-wise part loops
// over the batch on the CPU (T is small, ~21).
#pragma once
#include <torch/types.h>

namespace tmf {

// gated (B, T, C) float; items, behaviors (B, T) int64 rows; valid (B, T) bool.
// Returns the incidence matrix H (B, T, 2T) float32 on gated's device.
torch::Tensor hypergraph_incidence(const torch::Tensor& gated, const torch::Tensor& items,
                                   const torch::Tensor& behaviors, const torch::Tensor& valid,
                                   int64_t topk, int64_t mask_row);

// H (B, T, E) -> G (B, T, T) = Dv^-1 H De^-1 H^T.
torch::Tensor hypergraph_propagation(const torch::Tensor& H);

}  // namespace tmf
