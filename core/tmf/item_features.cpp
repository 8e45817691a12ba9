#include "tmf/item_features.h"

#include "llm/safetensors_torch.h"
#include "util/error.h"

namespace tmf {

static torch::Tensor rows_of(const std::unordered_map<int64_t, int64_t>& map, const std::vector<int64_t>& ids,
                             const char* what) {
  std::vector<int64_t> rows;
  rows.reserve(ids.size());
  for (int64_t id : ids) {
    auto it = map.find(id);
    TMF_CHECK(it != map.end(), "no features for ", what, " ", id);
    rows.push_back(it->second);
  }
  return torch::tensor(rows, torch::kInt64);
}

torch::Tensor ItemFeatures::item_rows(const std::vector<int64_t>& ids) const { return rows_of(item_row, ids, "item"); }
torch::Tensor ItemFeatures::behavior_rows(const std::vector<int64_t>& ids) const {
  return rows_of(behavior_row, ids, "behavior");
}

void ItemFeatures::save(const std::string& path) const {
  std::vector<int64_t> ids(item_row.size()), bids(behavior_row.size());
  for (auto& [id, row] : item_row) ids[size_t(row)] = id;
  for (auto& [id, row] : behavior_row) bids[size_t(row)] = id;
  st::save(path, {{"image", image},
                  {"text", text},
                  {"graph", graph},
                  {"behavior", behavior},
                  {"item_ids", torch::tensor(ids, torch::kInt64)},
                  {"behavior_ids", torch::tensor(bids, torch::kInt64)}});
}

ItemFeatures ItemFeatures::load(const std::string& path) {
  auto t = st::load_all(path);
  ItemFeatures f;
  for (const char* k : {"image", "text", "graph", "behavior", "item_ids", "behavior_ids"})
    TMF_CHECK(t.count(k), "item features '", path, "' lack tensor '", k, "'");
  for (const char* k : {"image", "text", "graph", "behavior"}) st::check_weight_values(t[k], "item features '" + path + "'", k);
  f.image = t["image"].to(torch::kFloat32);
  f.text = t["text"].to(torch::kFloat32);
  f.graph = t["graph"].to(torch::kFloat32);
  f.behavior = t["behavior"].to(torch::kFloat32);
  auto ids = t["item_ids"].contiguous(), bids = t["behavior_ids"].contiguous();
  TMF_CHECK(ids.size(0) == f.image.size(0) && ids.size(0) == f.text.size(0) && ids.size(0) == f.graph.size(0),
            "item features '", path, "' have inconsistent row counts");
  for (int64_t r = 0; r < ids.size(0); ++r) f.item_row[ids[r].item<int64_t>()] = r;
  for (int64_t r = 0; r < bids.size(0); ++r) f.behavior_row[bids[r].item<int64_t>()] = r;
  return f;
}

}  // namespace tmf
