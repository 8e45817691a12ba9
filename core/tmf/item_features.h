// The frozen item inputs of TMF (paper Fig. 1): per dataset item its image and text embeddings
// (CLIP, §3.2) and graph embedding (MBHT, §3.3), plus the graph behavior embeddings. One row per
// item; ids map to rows. Saved as safetensors (features.safetensors of a package).
#pragma once
#include <torch/types.h>

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace tmf {

struct ItemFeatures {
  std::unordered_map<int64_t, int64_t> item_row, behavior_row;  // dataset id -> row
  torch::Tensor image;     // (N, Di)
  torch::Tensor text;      // (N, Dt)
  torch::Tensor graph;     // (N, Dg)
  torch::Tensor behavior;  // (NB, Dg)
  torch::Tensor item_rows(const std::vector<int64_t>& ids) const;      // (len) int64, throws on unknown ids
  torch::Tensor behavior_rows(const std::vector<int64_t>& ids) const;  // (len) int64
  void save(const std::string& path) const;
  static ItemFeatures load(const std::string& path);
};

}  // namespace tmf
