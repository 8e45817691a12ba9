// Key/value cache for incremental decoding: per layer, keys and values of every position seen so
// far, in preallocated buffers that grow by doubling (no per-step concatenation of the whole cache).
// Limits: one sequence length for the whole batch (left padding is expressed by the attention
// mask, not by ragged lengths); buffers live on the device and dtype of the first append.
#pragma once
#include <torch/types.h>

#include <utility>
#include <vector>

namespace tmf {

class KvCache {
 public:
  explicit KvCache(int64_t num_layers, int64_t reserve = 0);

  int64_t num_layers() const { return static_cast<int64_t>(k_.size()); }
  // S: positions cached in every layer (the last layer's count, so it is stable during a forward).
  int64_t length() const { return len_.back(); }
  int64_t batch() const;  // 0 while empty
  bool empty() const { return length() == 0; }
  // Hints the final length so that appends do not regrow (call before the first append).
  void reserve(int64_t capacity) { reserve_ = capacity; }

  // Appends k, v (B, Hkv, T, D) to `layer`; returns views of all cached keys/values (B, Hkv, S+T, D).
  std::pair<torch::Tensor, torch::Tensor> append(int64_t layer, const torch::Tensor& k, const torch::Tensor& v);

  // Row b becomes rows b*n .. b*n+n-1 (scores n candidates against one prompt).
  void repeat_batch(int64_t n);
  // Keeps the given rows (1-D int64 indices), in that order.
  void select_batch(const torch::Tensor& rows);
  void clear();

 private:
  std::vector<torch::Tensor> k_, v_;  // per layer: (B, Hkv, capacity, D)
  std::vector<int64_t> len_;          // per layer: filled positions
  int64_t reserve_ = 0;
};

}  // namespace tmf
