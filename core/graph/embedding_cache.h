// Cache of item/behavior embeddings in the dataset file (design tmf.md §2: computed once per
// (dataset, encoder)), table `embeddings(encoder, version, key, dim, vector)`, vectors float32
// little-endian. `version` identifies the weights and settings that produced the vectors (e.g. a
// SHA-256 of them); a cached table whose version differs from the current one is stale.
// One live version per encoder: storing a version replaces every row of that encoder, in one
// transaction (an error leaves the previous table). Torch-free.
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "data/dataset.h"

namespace tmf {

struct EmbeddingTable {
  int64_t dim = 0;
  std::vector<int64_t> keys;  // item ids or behavior ids
  std::vector<float> data;    // keys.size() * dim, row-major

  const float* row(size_t i) const { return data.data() + i * size_t(dim); }
  std::vector<float> vector_of(int64_t key) const;  // throws when the key is absent
};

// The version cached for `encoder`, if any.
std::optional<std::string> cached_embedding_version(const Dataset& ds, const std::string& encoder);
// Replaces the cached table of `encoder` with `table` under `version` (one transaction).
void store_embeddings(Dataset& ds, const std::string& encoder, const std::string& version, const EmbeddingTable& table);
// The table stored for (encoder, version), keys ascending; nullopt when none.
std::optional<EmbeddingTable> load_embeddings(const Dataset& ds, const std::string& encoder, const std::string& version);

// The cached table when its version equals `version`; otherwise calls compute(), stores and
// returns its result. `computed` (optional) tells which happened.
EmbeddingTable get_or_compute_embeddings(Dataset& ds, const std::string& encoder, const std::string& version,
                                         const std::function<EmbeddingTable()>& compute, bool* computed = nullptr);

}  // namespace tmf
