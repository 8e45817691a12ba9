// Ranking baselines as Recommenders: build, train, score, save/load.
#include "baselines/ranking_recommender.h"

#include <filesystem>

#include "baselines/model_files.h"
#include "llm/safetensors_torch.h"
#include "util/error.h"
#include "util/json_file.h"
#include "util/sha256.h"

namespace tmf {

namespace fs = std::filesystem;

RankingRecommender::RankingRecommender(std::string kind, const nlohmann::json& overrides)
    : kind_(std::move(kind)), settings_(merge_settings(ranking_defaults(kind_), overrides, kind_)) {}

void RankingRecommender::build(const Dataset& ds, const std::string& split, uint64_t seed, const std::string& device) {
  vocab_ = make_rank_vocab(ds);
  dims_ = rank_dims(vocab_, settings_.at("max_len").get<int64_t>());
  const bool graph = kind_ == "mbgcn" || kind_ == "mbrec";
  BehaviorGraph g = graph ? build_behavior_graph(ds, vocab_, split) : BehaviorGraph{};
  torch::manual_seed(seed);
  net_ = make_ranking_net(kind_, settings_, dims_, g);
  net_->to(torch::Device(device));
  split_ = split;
  dataset_hash_ = ds.content_hash();
  dataset_name_ = ds.name();
}

void RankingRecommender::train(Dataset& ds, const RecTrainOptions& opts, const Progress& progress) {
  build(ds, opts.split, opts.seed, opts.device);
  RankTrainOptions o;
  o.split = opts.split;
  o.candidates = opts.candidates;
  o.seed = opts.seed;
  o.epochs = settings_.at("epochs").get<int64_t>();
  o.batch_size = settings_.at("batch_size").get<int64_t>();
  o.learning_rate = settings_.at("learning_rate").get<double>();
  o.patience = settings_.at("patience").get<int64_t>();
  o.stage = "train:" + kind_;
  RankTrainResult r = train_ranking_net(*net_, vocab_, dims_, ds, o, progress, on_epoch);
  training_ = r.summary();
  training_["split"] = opts.split;
  training_["candidates"] = opts.candidates;
  training_["seed"] = opts.seed;
}

std::vector<std::vector<float>> RankingRecommender::score(const std::vector<const SplitRow*>& rows,
                                                          const std::vector<std::vector<int64_t>>& candidates) {
  TMF_CHECK(net_, kind_, ": the model is neither trained nor loaded");
  return score_ranking_net(*net_, vocab_, dims_, rows, candidates);
}

void RankingRecommender::save(const std::string& dir) const {
  TMF_CHECK(net_, kind_, ": nothing to save (train or load first)");
  fs::create_directories(dir);
  std::map<std::string, torch::Tensor> tensors;
  for (const auto& p : net_->named_parameters()) tensors[p.key()] = p.value().detach().to(torch::kCPU);
  st::save(dir + "/model.safetensors", tensors, {{"format", "pt"}, {"model", kind_}});
  write_json_atomically(dir + "/config.json", {{"model", kind_},
                                               {"settings", settings_},
                                               {"vocab", mbht_vocab_to_json(vocab_.ids)},
                                               {"user_ids", vocab_.user_ids},
                                               {"split", split_},
                                               {"dataset_hash", dataset_hash_},
                                               {"dataset_name", dataset_name_},
                                               {"training", training_}});
}

void RankingRecommender::load(const std::string& dir, Dataset& ds) {
  const std::string cfg_path = dir + "/config.json";
  nlohmann::json j = read_json_file(cfg_path);
  TMF_CHECK(j.value("model", "") == kind_, cfg_path, ": a '", j.value("model", ""), "' model, not ", kind_);
  check_trained_on(j, ds, dir);
  settings_ = merge_settings(ranking_defaults(kind_), j.at("settings"), kind_);
  build(ds, j.value("split", "default"), 0, "cpu");
  TMF_CHECK(mbht_vocab_to_json(vocab_.ids) == j.at("vocab"), cfg_path, ": the vocabulary differs from the dataset's");
  auto tensors = st::load_all(dir + "/model.safetensors");
  st::copy_weights(st::parameter_list(net_->named_parameters()), tensors, dir + "/model.safetensors");
  training_ = j.value("training", nlohmann::json());
  net_->eval();
}

std::string RankingRecommender::model_hash() const {
  TMF_CHECK(net_, kind_, ": no model");
  std::string buf = kind_ + settings_.dump() + dataset_hash_;
  for (const auto& p : net_->named_parameters()) {
    torch::Tensor t = p.value().detach().to(torch::kCPU, torch::kFloat32).contiguous();
    buf += p.key();
    buf.append(static_cast<const char*>(t.data_ptr()), size_t(t.numel()) * sizeof(float));
  }
  return sha256_hex(buf);
}

}  // namespace tmf
