// Per-sequence hypergraph of MBHT: incidence (semantic top-k + behavior-wise) and propagation.
#include "graph/hypergraph.h"

#include <torch/torch.h>

#include <map>
#include <set>
#include <vector>

#include "util/error.h"

namespace tmf {

torch::Tensor hypergraph_incidence(const torch::Tensor& gated, const torch::Tensor& items,
                                   const torch::Tensor& behaviors, const torch::Tensor& valid,
                                   int64_t topk, int64_t mask_row) {
  TMF_CHECK(gated.dim() == 3 && items.dim() == 2 && items.sizes() == behaviors.sizes() &&
                items.sizes() == valid.sizes() && gated.size(0) == items.size(0) && gated.size(1) == items.size(1),
            "hypergraph_incidence: shapes gated ", gated.sizes(), ", items ", items.sizes(), ", behaviors ",
            behaviors.sizes(), ", valid ", valid.sizes(), " do not match (B, T, C) / (B, T)");
  torch::NoGradGuard no_grad;
  const int64_t B = items.size(0), T = items.size(1);
  const auto dev = gated.device();
  const torch::Tensor vf = valid.to(dev, torch::kFloat32);                                  // (B, T)

  // Item-wise semantic part: H[t, u] = 1 when u is among the top-k positions most similar to t.
  torch::Tensor n = torch::nn::functional::normalize(gated.to(torch::kFloat32),
                                                     torch::nn::functional::NormalizeFuncOptions().dim(-1));
  torch::Tensor sim = torch::matmul(n, n.transpose(1, 2));                                 // (B, T, T)
  sim = sim.masked_fill(~valid.to(dev).unsqueeze(1), -1e9);
  torch::Tensor eye = torch::eye(T, torch::TensorOptions().device(dev).dtype(torch::kFloat32));
  sim = sim + eye * 4.0;  // self first (cosine is at most 1)
  const int64_t k = std::min(topk, T);
  torch::Tensor idx = std::get<1>(sim.topk(k, /*dim=*/-1));                                 // (B, T, k)
  torch::Tensor hs = torch::zeros({B, T, T}, vf.options()).scatter_(2, idx, 1.0);
  hs = hs * vf.unsqueeze(1) * vf.unsqueeze(2);                                              // drop padding

  // Behavior-wise part: one edge per repeated item seen under >= 2 behaviors.
  torch::Tensor hb = torch::zeros({B, T, T}, torch::kFloat32);
  {
    torch::Tensor it = items.to(torch::kCPU).contiguous(), bh = behaviors.to(torch::kCPU).contiguous(),
                  va = valid.to(torch::kCPU).contiguous();
    auto ia = it.accessor<int64_t, 2>();
    auto ba = bh.accessor<int64_t, 2>();
    auto vaa = va.accessor<bool, 2>();
    auto ha = hb.accessor<float, 3>();
    for (int64_t b = 0; b < B; ++b) {
      std::map<int64_t, std::vector<int64_t>> occ;
      for (int64_t t = 0; t < T; ++t) {
        if (vaa[b][t] && ia[b][t] != mask_row && ia[b][t] != 0) occ[ia[b][t]].push_back(t);
      }
      for (const auto& [item, pos] : occ) {
        if (pos.size() < 2) continue;
        std::set<int64_t> kinds;
        for (int64_t t : pos) kinds.insert(ba[b][t]);
        if (kinds.size() < 2) continue;
        for (int64_t t : pos) ha[b][t][pos[0]] = 1.0f;
      }
    }
  }
  return torch::cat({hs, hb.to(dev)}, 2);                                                   // (B, T, 2T)
}

torch::Tensor hypergraph_propagation(const torch::Tensor& H) {
  TMF_CHECK(H.dim() == 3, "hypergraph_propagation: H must be (B, T, E), got ", H.sizes());
  torch::Tensor dv = H.sum(2);                                                              // (B, T)
  torch::Tensor de = H.sum(1);                                                              // (B, E)
  torch::Tensor inv_dv = torch::where(dv > 0, dv.clamp_min(1e-12).reciprocal(), torch::zeros_like(dv));
  torch::Tensor inv_de = torch::where(de > 0, de.clamp_min(1e-12).reciprocal(), torch::zeros_like(de));
  return torch::matmul(H * inv_de.unsqueeze(1), H.transpose(1, 2)) * inv_dv.unsqueeze(2);   // (B, T, T)
}

}  // namespace tmf
