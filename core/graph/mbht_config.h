// MBHT hyper-parameters and the id vocabulary of a trained MBHT (Yang et al., KDD'22,
// "Multi-Behavior Hypergraph-Enhanced Transformer for Sequential Recommendation"; TMF paper §3.3
// uses it as the graph encoder F_graph of Eq. 3-4). Defaults follow design/references.md: 2 layers,
// 2 heads, hidden 64, inner 256, dropout 0.5, GELU, Cloze mask ratio 0.2, Adam 1e-3. Unlike the
// reference code (length 200 hard-coded) the sequence length is a setting: history L + 1 slot for
// the masked target. Torch-free so that views can show a model's shape.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace tmf {

struct MbhtConfig {
  int64_t n_items = 0;          // N: items scored (item rows 1..N; row 0 pad, row N+1 mask token)
  int64_t n_behaviors = 0;      // behavior rows 1..NB (row 0 pad)
  int64_t target_behavior = 1;  // behavior row given to the masked target slot (1..NB)
  int64_t max_len = 21;         // T = history length L + 1 (the masked target slot)
  int64_t hidden = 64;          // C
  int64_t inner = 256;          // feed-forward width
  int64_t layers = 2;
  int64_t heads = 2;            // H, D = C / H
  double dropout = 0.5;         // hidden and attention dropout
  double layer_norm_eps = 1e-12;
  double init_std = 0.02;
  int64_t low_rank = 8;         // Linformer branch: keys/values projected from T to this many rows
  std::vector<int64_t> scales = {2, 4};  // pooled branches: mean over groups of s positions
  int64_t hyper_topk = 4;       // each position joins the hyperedges of its top-k similar positions
  int64_t hyper_layers = 2;     // hypergraph conv layers (outputs averaged)
  double mask_ratio = 0.2;      // Cloze masking of history positions (the target is always masked)

  void validate(const std::string& context = "mbht config") const;
};

// Dataset ids <-> model rows. Item row r (1..N) is item_ids[r-1]; behavior row r (1..NB) is
// behavior_ids[r-1]. Saved with the model so embeddings can be keyed by dataset ids.
struct MbhtVocab {
  std::vector<int64_t> item_ids;
  std::vector<int64_t> behavior_ids;
  int64_t target_behavior_id = 0;

  int64_t item_row(int64_t item_id) const;          // throws naming the id when unknown
  int64_t behavior_row(int64_t behavior_id) const;  // throws naming the id when unknown
  int64_t target_behavior_row() const { return behavior_row(target_behavior_id); }
  void build_index();                               // call after filling the id lists

 private:
  std::map<int64_t, int64_t> item_index_, behavior_index_;
};

nlohmann::json mbht_config_to_json(const MbhtConfig& c);
MbhtConfig mbht_config_from_json(const nlohmann::json& j, const std::string& context);
nlohmann::json mbht_vocab_to_json(const MbhtVocab& v);
MbhtVocab mbht_vocab_from_json(const nlohmann::json& j, const std::string& context);

}  // namespace tmf
