// MostPop: counts of the training-period events per item (most_pop.h).
#include "baselines/most_pop.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>

#include "baselines/model_files.h"
#include "baselines/ranking_trainer.h"
#include "llm/safetensors_torch.h"
#include "util/error.h"
#include "util/json_file.h"
#include "util/sha256.h"

namespace tmf {

namespace fs = std::filesystem;

nlohmann::json most_pop_defaults() { return {{"behaviors", "all"}}; }

MostPopRecommender::MostPopRecommender(const nlohmann::json& overrides)
    : settings_(merge_settings(most_pop_defaults(), overrides, "pop")) {
  const std::string b = settings_.at("behaviors").get<std::string>();
  TMF_CHECK(b == "all" || b == "target", "pop: behaviors must be all or target, got '", b, "'");
}

void MostPopRecommender::train(Dataset& ds, const RecTrainOptions& opts, const Progress& progress) {
  const auto t0 = std::chrono::steady_clock::now();
  const bool target_only = settings_.at("behaviors").get<std::string>() == "target";
  const int64_t target = ds.target_behavior().id;
  item_ids_.clear();
  for (const auto& it : ds.items()) item_ids_.push_back(it.id);
  std::sort(item_ids_.begin(), item_ids_.end());
  std::map<int64_t, float> count;
  int64_t events = 0;
  for_each_training_event(ds, opts.split, [&](int64_t, const Event& e) {
    if (target_only && e.behavior_id != target) return;
    count[e.item_id] += 1.0f;
    ++events;
  });
  counts_.assign(item_ids_.size(), 0.0f);
  for (size_t r = 0; r < item_ids_.size(); ++r) {
    auto it = count.find(item_ids_[r]);
    if (it != count.end()) counts_[r] = it->second;
  }
  split_ = opts.split;
  dataset_hash_ = ds.content_hash();
  dataset_name_ = ds.name();
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  training_ = {{"events", events}, {"items_seen", int64_t(count.size())}, {"seconds", secs}};
  progress.report("train:pop", 1, 1);
}

std::vector<std::vector<float>> MostPopRecommender::score(const std::vector<const SplitRow*>& rows,
                                                          const std::vector<std::vector<int64_t>>& candidates) {
  TMF_CHECK(!item_ids_.empty(), "pop: no model (train or load first)");
  TMF_CHECK(rows.size() == candidates.size(), "pop: ", rows.size(), " rows but ", candidates.size(), " candidate lists");
  std::vector<std::vector<float>> out;
  out.reserve(candidates.size());
  for (const auto& cs : candidates) {
    std::vector<float> s;
    for (int64_t id : cs) {
      auto it = std::lower_bound(item_ids_.begin(), item_ids_.end(), id);
      TMF_CHECK(it != item_ids_.end() && *it == id, "pop: unknown item id ", id);
      s.push_back(counts_[size_t(it - item_ids_.begin())]);
    }
    out.push_back(std::move(s));
  }
  return out;
}

void MostPopRecommender::save(const std::string& dir) const {
  TMF_CHECK(!item_ids_.empty(), "pop: nothing to save (train or load first)");
  fs::create_directories(dir);
  auto t = torch::tensor(counts_, torch::kFloat32);  // (N)
  st::save(dir + "/model.safetensors", {{"item_counts", t}}, {{"format", "pt"}, {"model", "pop"}});
  write_json_atomically(dir + "/config.json", {{"model", "pop"},
                                               {"settings", settings_},
                                               {"item_ids", item_ids_},
                                               {"split", split_},
                                               {"dataset_hash", dataset_hash_},
                                               {"dataset_name", dataset_name_},
                                               {"training", training_}});
}

void MostPopRecommender::load(const std::string& dir, Dataset& ds) {
  const std::string cfg_path = dir + "/config.json";
  nlohmann::json j = read_json_file(cfg_path);
  TMF_CHECK(j.value("model", "") == "pop", cfg_path, ": a '", j.value("model", ""), "' model, not pop");
  const std::string hash = check_trained_on(j, ds, dir);
  settings_ = merge_settings(most_pop_defaults(), j.at("settings"), "pop");
  item_ids_ = j.at("item_ids").get<std::vector<int64_t>>();
  auto tensors = st::load_all(dir + "/model.safetensors");
  auto it = tensors.find("item_counts");
  TMF_CHECK(it != tensors.end(), dir, "/model.safetensors lacks tensor 'item_counts'");
  torch::Tensor c = it->second.to(torch::kFloat32).contiguous();  // (N)
  TMF_CHECK(c.dim() == 1 && c.size(0) == int64_t(item_ids_.size()), dir, "/model.safetensors: item_counts has shape ",
            c.sizes(), ", config.json lists ", item_ids_.size(), " items");
  counts_.assign(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
  split_ = j.value("split", "default");
  dataset_hash_ = hash;
  dataset_name_ = j.value("dataset_name", "");
  training_ = j.value("training", nlohmann::json());
}

std::string MostPopRecommender::model_hash() const {
  TMF_CHECK(!item_ids_.empty(), "pop: no model");
  std::string buf = "pop" + settings_.dump() + dataset_hash_;
  buf.append(reinterpret_cast<const char*>(item_ids_.data()), item_ids_.size() * sizeof(int64_t));
  buf.append(reinterpret_cast<const char*>(counts_.data()), counts_.size() * sizeof(float));
  return sha256_hex(buf);
}

}  // namespace tmf
