// A trained MBHT bound to one dataset: settings, id vocabulary, module, and the content hash of the
// dataset it was built for. Saved as DIR/model.safetensors (weights) + DIR/config.json (every
// setting, the vocabulary, the dataset hash and name, training summary); never pickle. Loading for a
// dataset with another content hash fails naming both hashes.
// Also the graph-modality outputs for TMF (paper §3.3, Eq. 3-4): the item embedding table
// (n_items, C) keyed by dataset item id and the behavior embedding table (n_behaviors, C) keyed by
// behavior id, cached in the dataset as encoders 'mbht-item' and 'mbht-behavior'.
#pragma once
#include <string>

#include <nlohmann/json.hpp>

#include "data/dataset.h"
#include "graph/embedding_cache.h"
#include "graph/mbht.h"
#include "graph/mbht_config.h"

namespace tmf {

struct MbhtModel {
  MbhtConfig config;
  MbhtVocab vocab;
  Mbht module{nullptr};
  std::string dataset_hash;
  std::string dataset_name;
  nlohmann::json training;  // summary written by training (split, epochs, valid HR@1...), may be null
};

// Vocabulary of a dataset: every item (by id) and behavior (vocabulary order), its target behavior.
MbhtVocab make_mbht_vocab(const Dataset& ds);
// A fresh model for `ds`: n_items, n_behaviors and target_behavior of `settings` are filled from
// the dataset; weights are drawn after torch::manual_seed(seed).
MbhtModel create_mbht(const Dataset& ds, MbhtConfig settings, uint64_t seed, const std::string& device = "cpu");

void save_mbht(const MbhtModel& m, const std::string& dir);
// Loads DIR for `ds`: fails when the dataset's content hash differs from the saved one.
MbhtModel load_mbht(const std::string& dir, const Dataset& ds, const std::string& device = "cpu");

// SHA-256 over the settings, vocabulary and every parameter (name, shape, float32 bytes): the
// `version` of the cached embeddings.
std::string mbht_version(const MbhtModel& m);

EmbeddingTable mbht_item_embeddings(const MbhtModel& m);      // (N, C), keys = item ids
EmbeddingTable mbht_behavior_embeddings(const MbhtModel& m);  // (NB, C), keys = behavior ids
// Writes both tables into the dataset's cache unless the same version is already there.
// Returns true when something was (re)computed.
bool cache_mbht_embeddings(Dataset& ds, const MbhtModel& m);

}  // namespace tmf
