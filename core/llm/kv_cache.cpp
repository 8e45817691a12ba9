// KvCache: see kv_cache.h.
#include "llm/kv_cache.h"

#include <torch/torch.h>

#include "util/error.h"

namespace tmf {

KvCache::KvCache(int64_t num_layers, int64_t reserve)
    : k_(num_layers), v_(num_layers), len_(num_layers, 0), reserve_(reserve) {
  TMF_CHECK(num_layers > 0, "KvCache needs at least one layer, got ", num_layers);
}

int64_t KvCache::batch() const { return k_[0].defined() ? k_[0].size(0) : 0; }

std::pair<torch::Tensor, torch::Tensor> KvCache::append(int64_t layer, const torch::Tensor& k,
                                                        const torch::Tensor& v) {
  TMF_CHECK(layer >= 0 && layer < num_layers(), "KvCache: layer ", layer, " outside [0, ", num_layers(), ")");
  TMF_CHECK(k.dim() == 4 && k.sizes() == v.sizes(), "KvCache: k and v must be (B, Hkv, T, D), got ",
            k.sizes(), " and ", v.sizes());
  auto& kb = k_[layer];
  auto& vb = v_[layer];
  int64_t& len = len_[layer];
  const int64_t t = k.size(2);
  if (kb.defined()) {
    TMF_CHECK(kb.size(0) == k.size(0) && kb.size(1) == k.size(1) && kb.size(3) == k.size(3),
              "KvCache: layer ", layer, " holds (B, Hkv, *, D) = ", kb.sizes(), ", cannot append ", k.sizes());
  }
  const int64_t cap = kb.defined() ? kb.size(2) : 0;
  if (len + t > cap) {
    int64_t new_cap = std::max<int64_t>({len + t, 2 * cap, reserve_, 16});
    auto nk = torch::empty({k.size(0), k.size(1), new_cap, k.size(3)}, k.options());
    auto nv = torch::empty_like(nk);
    if (len > 0) {
      nk.narrow(2, 0, len).copy_(kb.narrow(2, 0, len));
      nv.narrow(2, 0, len).copy_(vb.narrow(2, 0, len));
    }
    kb = nk;
    vb = nv;
  }
  kb.narrow(2, len, t).copy_(k);
  vb.narrow(2, len, t).copy_(v);
  len += t;
  return {kb.narrow(2, 0, len), vb.narrow(2, 0, len)};
}

void KvCache::repeat_batch(int64_t n) {
  TMF_CHECK(n >= 1, "KvCache::repeat_batch: n must be >= 1, got ", n);
  for (size_t l = 0; l < k_.size(); ++l) {
    if (!k_[l].defined()) continue;
    // Only the filled part is copied; the capacity is kept for later appends.
    auto fill = [&](torch::Tensor& buf) {
      auto used = buf.narrow(2, 0, len_[l]).repeat_interleave(n, /*dim=*/0);
      auto nb = torch::empty({used.size(0), buf.size(1), buf.size(2), buf.size(3)}, buf.options());
      nb.narrow(2, 0, len_[l]).copy_(used);
      buf = nb;
    };
    fill(k_[l]);
    fill(v_[l]);
  }
}

void KvCache::select_batch(const torch::Tensor& rows) {
  for (size_t l = 0; l < k_.size(); ++l) {
    if (!k_[l].defined()) continue;
    auto idx = rows.to(k_[l].device(), torch::kLong);
    k_[l] = k_[l].index_select(0, idx);
    v_[l] = v_[l].index_select(0, idx);
  }
}

void KvCache::clear() {
  for (size_t l = 0; l < k_.size(); ++l) {
    k_[l] = torch::Tensor();
    v_[l] = torch::Tensor();
    len_[l] = 0;
  }
}

}  // namespace tmf
