// Embedding cache in the dataset's `embeddings` table.
#include "graph/embedding_cache.h"

#include <cstring>

#include "data/sqlite.h"
#include "util/error.h"

namespace tmf {

namespace {
bool little_endian() {
  const uint32_t one = 1;
  uint8_t b;
  std::memcpy(&b, &one, 1);
  return b == 1;
}
}  // namespace

std::vector<float> EmbeddingTable::vector_of(int64_t key) const {
  for (size_t i = 0; i < keys.size(); ++i) {
    if (keys[i] == key) return std::vector<float>(row(i), row(i) + dim);
  }
  fail("embedding table has no key ", key, " (", keys.size(), " keys)");
}

std::optional<std::string> cached_embedding_version(const Dataset& ds, const std::string& encoder) {
  auto st = ds.db().prepare("SELECT version FROM embeddings WHERE encoder = ? LIMIT 1");
  st.bind(1, encoder);
  if (!st.step()) return std::nullopt;
  return st.col_text(0);
}

void store_embeddings(Dataset& ds, const std::string& encoder, const std::string& version, const EmbeddingTable& table) {
  TMF_CHECK(little_endian(), "embedding cache: big-endian hosts are not supported");
  TMF_CHECK(!encoder.empty() && !version.empty(), "embedding cache: encoder '", encoder, "' and version '", version,
            "' must not be empty");
  TMF_CHECK(table.dim > 0, "embedding cache: dim must be positive, got ", table.dim, " for encoder ", encoder);
  TMF_CHECK(table.data.size() == table.keys.size() * size_t(table.dim), "embedding cache: ", table.data.size(),
            " floats do not make ", table.keys.size(), " rows of dim ", table.dim, " for encoder ", encoder);
  sql::Transaction tx(ds.db());
  auto del = ds.db().prepare("DELETE FROM embeddings WHERE encoder = ?");
  del.bind(1, encoder);
  del.run();
  auto ins = ds.db().prepare("INSERT INTO embeddings(encoder, version, key, dim, vector) VALUES (?, ?, ?, ?, ?)");
  for (size_t i = 0; i < table.keys.size(); ++i) {
    ins.bind(1, encoder).bind(2, version).bind(3, table.keys[i]).bind(4, table.dim);
    ins.bind_blob(5, table.row(i), size_t(table.dim) * sizeof(float));
    ins.run();
    ins.reset();
  }
  tx.commit();
}

std::optional<EmbeddingTable> load_embeddings(const Dataset& ds, const std::string& encoder, const std::string& version) {
  TMF_CHECK(little_endian(), "embedding cache: big-endian hosts are not supported");
  auto st = ds.db().prepare("SELECT key, dim, vector FROM embeddings WHERE encoder = ? AND version = ? ORDER BY key");
  st.bind(1, encoder).bind(2, version);
  EmbeddingTable t;
  while (st.step()) {
    const int64_t key = st.col_int(0), dim = st.col_int(1);
    const std::vector<uint8_t> blob = st.col_blob(2);
    if (t.keys.empty()) t.dim = dim;
    TMF_CHECK(dim == t.dim && dim > 0 && blob.size() == size_t(dim) * sizeof(float), "embedding cache: row ", key,
              " of encoder ", encoder, " has dim ", dim, " and ", blob.size(), " bytes; expected dim ", t.dim);
    t.keys.push_back(key);
    const size_t at = t.data.size();
    t.data.resize(at + size_t(dim));
    std::memcpy(t.data.data() + at, blob.data(), blob.size());
  }
  if (t.keys.empty()) return std::nullopt;
  return t;
}

EmbeddingTable get_or_compute_embeddings(Dataset& ds, const std::string& encoder, const std::string& version,
                                         const std::function<EmbeddingTable()>& compute, bool* computed) {
  if (auto cached = load_embeddings(ds, encoder, version)) {
    if (computed) *computed = false;
    return *cached;
  }
  EmbeddingTable t = compute();
  store_embeddings(ds, encoder, version, t);
  if (computed) *computed = true;
  return t;
}

}  // namespace tmf
