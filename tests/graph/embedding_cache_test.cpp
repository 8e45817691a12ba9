// Embedding cache (core/graph/embedding_cache.h): store, reload, stale versions recomputed, one live
// version per encoder, bad tables refused without touching the stored one.
#include <gtest/gtest.h>

#include <filesystem>
#include <unistd.h>

#include "data/dataset.h"
#include "data/sqlite.h"
#include "graph/embedding_cache.h"
#include "util/error.h"

namespace fs = std::filesystem;
using namespace tmf;

namespace {
std::string fresh_dataset(const std::string& name) {
  auto dir = fs::temp_directory_path() / ("tmf_cache_test_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const std::string path = (dir / (name + ".tmfdb")).string();
  fs::remove(path);
  Dataset::create(path, name);
  return path;
}
EmbeddingTable table(float base) {
  EmbeddingTable t;
  t.dim = 3;
  t.keys = {10, 4, 7};
  for (int i = 0; i < 9; ++i) t.data.push_back(base + float(i) * 0.5f);
  return t;
}
}  // namespace

TEST(EmbeddingCache, StoresReloadsAndRecomputesWhenStale) {
  auto ds = Dataset::open(fresh_dataset("cache"));
  EXPECT_FALSE(cached_embedding_version(ds, "mbht-item").has_value());
  EXPECT_FALSE(load_embeddings(ds, "mbht-item", "v1").has_value());

  int calls = 0;
  bool computed = false;
  auto compute = [&](float base) {
    return [&, base] {
      ++calls;
      return table(base);
    };
  };
  EmbeddingTable a = get_or_compute_embeddings(ds, "mbht-item", "v1", compute(1.0f), &computed);
  EXPECT_TRUE(computed);
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(*cached_embedding_version(ds, "mbht-item"), "v1");

  // Reloaded (from a fresh connection too), keys ascending, vectors bit-identical.
  auto again = Dataset::open(ds.path());
  EmbeddingTable b = get_or_compute_embeddings(again, "mbht-item", "v1", compute(9.0f), &computed);
  EXPECT_FALSE(computed);
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(b.keys, (std::vector<int64_t>{4, 7, 10}));
  EXPECT_EQ(b.vector_of(10), (std::vector<float>{1.0f, 1.5f, 2.0f}));
  EXPECT_EQ(b.vector_of(4), (std::vector<float>{2.5f, 3.0f, 3.5f}));
  EXPECT_THROW(b.vector_of(99), Error);

  // A new version is stale for the old rows: recomputed, and it replaces them.
  EmbeddingTable c = get_or_compute_embeddings(again, "mbht-item", "v2", compute(5.0f), &computed);
  EXPECT_TRUE(computed);
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(load_embeddings(again, "mbht-item", "v2")->vector_of(10), (std::vector<float>{5.0f, 5.5f, 6.0f}));
  EXPECT_FALSE(load_embeddings(again, "mbht-item", "v1").has_value());
  EXPECT_EQ(again.db().scalar_int("SELECT COUNT(*) FROM embeddings"), 3);

  // Encoders are independent.
  store_embeddings(again, "mbht-behavior", "v2", table(0.0f));
  EXPECT_EQ(again.db().scalar_int("SELECT COUNT(*) FROM embeddings"), 6);

  // A malformed table is refused and the stored one survives.
  EmbeddingTable bad = table(0.0f);
  bad.data.pop_back();
  EXPECT_THROW(store_embeddings(again, "mbht-item", "v3", bad), Error);
  EXPECT_EQ(*cached_embedding_version(again, "mbht-item"), "v2");
  fs::remove_all(fs::path(ds.path()).parent_path());
}
