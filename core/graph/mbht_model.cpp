// MBHT model package: create, save/load (safetensors + JSON), version hash, embedding tables.
#include "graph/mbht_model.h"

#include <filesystem>
#include <fstream>

#include "llm/safetensors_torch.h"
#include "util/error.h"
#include "util/json_file.h"
#include "util/sha256.h"

namespace tmf {

namespace fs = std::filesystem;

MbhtVocab make_mbht_vocab(const Dataset& ds) {
  MbhtVocab v;
  for (const Item& it : ds.items()) v.item_ids.push_back(it.id);
  for (const Behavior& b : ds.behaviors()) v.behavior_ids.push_back(b.id);
  TMF_CHECK(!v.item_ids.empty(), "dataset ", ds.path(), " has no items");
  TMF_CHECK(!v.behavior_ids.empty(), "dataset ", ds.path(), " has no behaviors");
  v.target_behavior_id = ds.target_behavior().id;
  v.build_index();
  return v;
}

MbhtModel create_mbht(const Dataset& ds, MbhtConfig settings, uint64_t seed, const std::string& device) {
  MbhtModel m;
  m.vocab = make_mbht_vocab(ds);
  settings.n_items = int64_t(m.vocab.item_ids.size());
  settings.n_behaviors = int64_t(m.vocab.behavior_ids.size());
  settings.target_behavior = m.vocab.target_behavior_row();
  settings.validate();
  m.config = settings;
  torch::manual_seed(seed);
  m.module = Mbht(m.config);
  m.module->to(torch::Device(device));
  m.dataset_hash = ds.content_hash();
  m.dataset_name = ds.name();
  return m;
}

void save_mbht(const MbhtModel& m, const std::string& dir) {
  fs::create_directories(dir);
  std::map<std::string, torch::Tensor> tensors;
  for (const auto& p : m.module->named_parameters()) tensors[p.key()] = p.value().detach().to(torch::kCPU);
  st::save(dir + "/model.safetensors", tensors, {{"format", "pt"}, {"model", "mbht"}});
  nlohmann::json j = {{"model", "mbht"},
                      {"config", mbht_config_to_json(m.config)},
                      {"vocab", mbht_vocab_to_json(m.vocab)},
                      {"dataset_hash", m.dataset_hash},
                      {"dataset_name", m.dataset_name},
                      {"training", m.training}};
  write_json_atomically(dir + "/config.json", j);
}

MbhtModel load_mbht(const std::string& dir, const Dataset& ds, const std::string& device) {
  const std::string cfg_path = dir + "/config.json", w_path = dir + "/model.safetensors";
  TMF_CHECK(fs::exists(cfg_path), "no MBHT model in ", dir, " (no ", cfg_path, ")");
  const nlohmann::json j = read_json_file(cfg_path);  // a regular file, bounded nesting
  TMF_CHECK(j.value("model", "") == "mbht", cfg_path, ": not an MBHT model (model '", j.value("model", ""), "')");
  MbhtModel m;
  m.config = mbht_config_from_json(j.at("config"), cfg_path);
  m.vocab = mbht_vocab_from_json(j.at("vocab"), cfg_path);
  m.dataset_hash = j.value("dataset_hash", "");
  m.dataset_name = j.value("dataset_name", "");
  m.training = j.value("training", nlohmann::json());
  const std::string hash = ds.content_hash();
  TMF_CHECK(hash == m.dataset_hash, "MBHT model ", dir, " was trained for dataset '", m.dataset_name, "' (content ",
            m.dataset_hash.substr(0, 16), "), not for ", ds.path(), " (content ", hash.substr(0, 16), ")");
  TMF_CHECK(int64_t(m.vocab.item_ids.size()) == m.config.n_items &&
                int64_t(m.vocab.behavior_ids.size()) == m.config.n_behaviors,
            cfg_path, ": vocabulary (", m.vocab.item_ids.size(), " items, ", m.vocab.behavior_ids.size(),
            " behaviors) does not match the config (", m.config.n_items, ", ", m.config.n_behaviors, ")");
  m.module = Mbht(m.config);
  auto tensors = st::load_all(w_path);
  st::copy_weights(st::parameter_list(m.module->named_parameters()), tensors, w_path);
  TMF_CHECK(tensors.empty(), w_path, ": unexpected tensor ", tensors.empty() ? "" : tensors.begin()->first);
  m.module->to(torch::Device(device));
  m.module->eval();
  return m;
}

std::string mbht_version(const MbhtModel& m) {
  Sha256 h;
  h.update(mbht_config_to_json(m.config).dump());
  h.update(mbht_vocab_to_json(m.vocab).dump());
  for (const auto& p : m.module->named_parameters()) {
    torch::Tensor t = p.value().detach().to(torch::kCPU, torch::kFloat32).contiguous();
    h.update(p.key());
    for (int64_t s : t.sizes()) h.update_pod(s);
    h.update(t.data_ptr<float>(), size_t(t.numel()) * sizeof(float));
  }
  return h.hex();
}

namespace {
EmbeddingTable table_of(const torch::Tensor& weight, int64_t first_row, const std::vector<int64_t>& keys) {
  torch::Tensor w = weight.detach().slice(0, first_row, first_row + int64_t(keys.size()))
                        .to(torch::kCPU, torch::kFloat32).contiguous();  // (rows, C)
  EmbeddingTable t;
  t.dim = w.size(1);
  t.keys = keys;
  t.data.assign(w.data_ptr<float>(), w.data_ptr<float>() + w.numel());
  return t;
}
}  // namespace

EmbeddingTable mbht_item_embeddings(const MbhtModel& m) {
  return table_of(m.module->item_embeddings->weight, 1, m.vocab.item_ids);
}

EmbeddingTable mbht_behavior_embeddings(const MbhtModel& m) {
  return table_of(m.module->behavior_embeddings->weight, 1, m.vocab.behavior_ids);
}

bool cache_mbht_embeddings(Dataset& ds, const MbhtModel& m) {
  const std::string version = mbht_version(m);
  bool a = false, b = false;
  get_or_compute_embeddings(ds, "mbht-item", version, [&] { return mbht_item_embeddings(m); }, &a);
  get_or_compute_embeddings(ds, "mbht-behavior", version, [&] { return mbht_behavior_embeddings(m); }, &b);
  return a || b;
}

}  // namespace tmf
