// LLaRA (Liao et al., SIGIR'24): SASRec item embeddings through an MLP projector as item tokens of
// hybrid prompts, curriculum from text-only to hybrid, on TMF's backbone.
#include "baselines/llara.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <optional>

#include "baselines/model_files.h"
#include "baselines/ranking_recommender.h"
#include "baselines/sasrec.h"
#include "baselines/tmf_model_recommending.h"
#include "fusion/adaptor.h"
#include "graph/mbht_rank.h"
#include "llm/llama.h"
#include "llm/lora.h"
#include "llm/safetensors_torch.h"
#include "llm/tokenizer.h"
#include "train/backbone.h"
#include "train/tmf_pipeline.h"
#include "train/tmf_tuning.h"
#include "tmf/tmf_model.h"
#include "train/example_sampler.h"
#include "util/error.h"
#include "util/json_file.h"
#include "util/sha256.h"
#include "util/strings.h"

namespace tmf {

namespace fs = std::filesystem;

nlohmann::json llara_defaults() {
  nlohmann::json d = llm_pipeline_defaults();  // backbone / tuning sizes, decoding
  d["sasrec_epochs"] = 0;     // SASRec epochs (early stopping on validation); 0: SASRec's default
  d["prompt_history"] = 10;   // history steps in prompts (the last ones; 0 = all), as TMF's pipeline
  return d;
}

struct LlaraState {
  Adaptor projector{nullptr};
  torch::Tensor item_table;                        // (N + 1, 64) frozen SASRec item embeddings
  std::unordered_map<int64_t, int64_t> item_row;   // dataset id -> row
  std::optional<TmfModel> model;                   // TMF's prompts, loss and decoding; item tokens below
  int64_t target_behavior = 0;
  std::string sasrec_dir, backbone_dir, tokenizer_path;

  // The TMF model whose item tokens are projector(SASRec embedding) (tmf/tmf_model.h).
  void make_model(Llama llm, Dataset& ds) {
    projector = Adaptor(item_table.size(1), llm->config.hidden_size);
    ItemTokenSource src;
    src.module = projector.ptr();
    src.embed = [proj = projector, table = item_table, rows = item_row](const std::vector<int64_t>& ids) mutable {
      std::vector<int64_t> r;
      r.reserve(ids.size());
      for (int64_t id : ids) {
        auto it = rows.find(id);
        TMF_CHECK(it != rows.end(), "llara: no SASRec embedding for item ", id);
        r.push_back(it->second);
      }
      const auto dev = proj->fc1->weight.device();
      return proj->forward(table.to(dev).index_select(0, torch::tensor(r, torch::kInt64).to(dev)));  // (n, C)
    };
    model.emplace(std::move(llm), Tokenizer::load(tokenizer_path), NameBook::of(ds), std::move(src));
    target_behavior = ds.target_behavior().id;
  }
};

LlaraRecommender::LlaraRecommender(const nlohmann::json& overrides)
    : settings_(merge_settings(llara_defaults(), overrides, "llara")) {
  llm_pipeline_options(settings_, "llara");  // checks the preset
}

LlaraRecommender::~LlaraRecommender() = default;

static void attach_sasrec(LlaraState& s, Dataset& ds, const std::string& sasrec_dir) {
  auto rec = load_recommender(sasrec_dir, ds);
  auto* rr = dynamic_cast<RankingRecommender*>(rec.get());
  TMF_CHECK(rr && rr->kind() == "sasrec", sasrec_dir, " is not a SASRec model");
  auto* net = dynamic_cast<SasrecImpl*>(&rr->net());
  TMF_CHECK(net, sasrec_dir, ": not a SASRec network");
  s.item_table = net->item_embeddings->weight.detach().clone();  // (N + 1, 64)
  RankVocab v = make_rank_vocab(ds);
  s.item_row.clear();
  for (size_t i = 0; i < v.ids.item_ids.size(); ++i) s.item_row[v.ids.item_ids[i]] = int64_t(i) + 1;
  s.sasrec_dir = sasrec_dir;
}

void LlaraRecommender::train(Dataset& ds, const RecTrainOptions& opts, const Progress& progress) {
  TMF_CHECK(!opts.work_dir.empty(), "llara: training needs a work directory (backbone stage, SASRec)");
  const auto t0 = std::chrono::steady_clock::now();
  PipelineOptions po = llm_pipeline_options(settings_, "llara");
  const std::string seed_s = std::to_string(opts.seed);
  const std::string stages = opts.work_dir + "/stages-seed" + seed_s, own = opts.work_dir + "/llara-seed" + seed_s;
  fs::create_directories(stages);
  fs::create_directories(own);
  // 1. TMF's backbone stage (shared with `tmf` and `text-llm` of the same seed).
  BackboneOptions bo = po.backbone;
  bo.split = opts.split;
  bo.seed = opts.seed;
  bo.prompt_history = po.prompt_history;  // the shared stage's prompts are TMF's
  auto st = std::make_unique<LlaraState>();
  st->tokenizer_path = stages + "/tokenizer.model";
  st->backbone_dir = stages + "/backbone";
  if (!fs::exists(st->backbone_dir + "/model.safetensors") || !fs::exists(st->tokenizer_path))
    build_backbone(ds, backbone_corpus(ds, bo), bo, stages, progress);
  // 2. SASRec on the same split and seed (its item table feeds the projector).
  nlohmann::json so;
  if (int64_t e = settings_.at("sasrec_epochs").get<int64_t>()) so["epochs"] = e;
  RankingRecommender sasrec("sasrec", so);
  sasrec.train(ds, opts, progress);
  sasrec.save(own + "/sasrec");
  attach_sasrec(*st, ds, own + "/sasrec");
  // 3. LoRA + projector with LLaRA's curriculum (TMF's tuner: train/tmf_tuning.h).
  LlamaLoadOptions lo;
  lo.device = opts.device;
  Llama llm = load_llama(st->backbone_dir, lo);
  torch::manual_seed(opts.seed);
  add_lora(*llm, po.lora);
  st->make_model(std::move(llm), ds);
  TmfModel& m = *st->model;
  m.set_max_history(settings_.at("prompt_history").get<int64_t>());
  m.set_candidate_kinds(po.candidate_kinds);  // the prompt format of the shared backbone stage
  const auto rows = training_rows(ds, opts.split);
  TMF_CHECK(!rows.empty(), "llara: split '", opts.split, "' has no training examples");
  std::vector<int64_t> catalog;
  for (auto& [id, row] : st->item_row) catalog.push_back(id);
  std::sort(catalog.begin(), catalog.end());
  TuneOptions to = po.tune;
  to.seed = opts.seed;
  to.curriculum = CurriculumKind::Llara;
  to.full_finetune = false;  // LLaRA adapts its backbone with LoRA only (its paper's setting)
  TuneReport tr = tune_tmf(m, rows, catalog, items_seen_by_user(ds), st->target_behavior, to, progress);
  int64_t hybrid_steps = 0;
  for (Task t : tr.tasks) hybrid_steps += t != Task::Easy;
  st_ = std::move(st);
  training_ = {{"split", opts.split},
               {"seed", opts.seed},
               {"tune_steps", to.steps},
               {"hybrid_steps", hybrid_steps},
               {"first_loss", tr.losses.empty() ? 0.0 : tr.losses.front()},
               {"final_loss", tr.losses.empty() ? 0.0 : tr.losses.back()},
               {"sasrec", sasrec.training()},
               {"seconds", std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count()}};
  save(own + "/model");
}

std::vector<std::vector<float>> LlaraRecommender::score(const std::vector<const SplitRow*>& rows,
                                                        const std::vector<std::vector<int64_t>>& candidates) {
  TMF_CHECK(st_, "llara: the model is neither trained nor loaded");
  return score_with_tmf_model(*st_->model, st_->target_behavior, rows, candidates);
}

RecEvalResult LlaraRecommender::evaluate(const Dataset& ds, const RecEvalOptions& o, const Progress& progress) {
  TMF_CHECK(st_, "llara: the model is neither trained nor loaded");
  return evaluate_with_tmf_model(*st_->model, st_->target_behavior, ds, o, settings_, progress);
}

void LlaraRecommender::save(const std::string& dir) const {
  TMF_CHECK(st_, "llara: nothing to save (train or load first)");
  fs::create_directories(dir);
  for (const std::string sub : {"backbone", "sasrec"}) {
    const std::string src = sub == "backbone" ? st_->backbone_dir : st_->sasrec_dir;
    if (fs::weakly_canonical(src) != fs::weakly_canonical(dir + "/" + sub)) {
      fs::remove_all(dir + "/" + sub);
      fs::copy(src, dir + "/" + sub, fs::copy_options::recursive);
    }
  }
  if (fs::weakly_canonical(st_->tokenizer_path) != fs::weakly_canonical(dir + "/tokenizer.model"))
    fs::copy_file(st_->tokenizer_path, dir + "/tokenizer.model", fs::copy_options::overwrite_existing);
  std::map<std::string, torch::Tensor> t;
  Llama& llm = st_->model->llm();
  for (const auto& p : llm->named_parameters()) t["llm." + p.key()] = p.value().detach().to(torch::kCPU);
  for (const auto& p : st_->projector->named_parameters()) t["projector." + p.key()] = p.value().detach().to(torch::kCPU);
  st::save(dir + "/llara.safetensors", t, {{"format", "pt"}, {"model", "llara"}});
  LoraConfig lc = lora_config_of(*llm);
  write_json_atomically(dir + "/config.json", {{"model", "llara"},
                                               {"settings", settings_},
                                               {"training", training_},
                                               {"lora", {{"r", lc.r}, {"alpha", lc.alpha}, {"dropout", lc.dropout},
                                                         {"target_modules", lc.target_modules}}}});
}

void LlaraRecommender::load(const std::string& dir, Dataset& ds) {
  nlohmann::json j = read_json_file(dir + "/config.json");
  TMF_CHECK(j.value("model", "") == "llara", dir, "/config.json: a '", j.value("model", ""), "' model, not llara");
  settings_ = merge_settings(llara_defaults(), j.at("settings"), "llara");
  training_ = j.value("training", nlohmann::json());
  auto st = std::make_unique<LlaraState>();
  attach_sasrec(*st, ds, dir + "/sasrec");  // checks the dataset hash
  st->backbone_dir = dir + "/backbone";
  st->tokenizer_path = dir + "/tokenizer.model";
  Llama llm = load_llama(st->backbone_dir);
  LoraConfig lc;
  lc.r = j.at("lora").at("r").get<int64_t>();
  lc.alpha = j.at("lora").at("alpha").get<double>();
  lc.dropout = j.at("lora").at("dropout").get<double>();
  lc.target_modules = j.at("lora").at("target_modules").get<std::vector<std::string>>();
  add_lora(*llm, lc);
  st->make_model(llm, ds);
  st->model->set_max_history(settings_.at("prompt_history").get<int64_t>());
  st->model->set_candidate_kinds(llm_pipeline_options(settings_, "llara").candidate_kinds);
  auto t = st::load_all(dir + "/llara.safetensors");
  st::copy_weights(st::parameter_list(llm->named_parameters()), t, dir + "/llara.safetensors", "llm.");
  st::copy_weights(st::parameter_list(st->projector->named_parameters()), t, dir + "/llara.safetensors", "projector.");
  llm->eval();
  st->projector->eval();
  st_ = std::move(st);
}

std::string LlaraRecommender::model_hash() const {
  TMF_CHECK(st_, "llara: no model");
  std::string buf = settings_.dump();
  for (const auto& p : st_->projector->named_parameters()) {
    torch::Tensor x = p.value().detach().to(torch::kCPU, torch::kFloat32).contiguous();
    buf.append(static_cast<const char*>(x.data_ptr()), size_t(x.numel()) * sizeof(float));
  }
  for (const auto& [name, l] : st_->model->llm()->linears()) {
    for (const auto& p : l->named_parameters()) {
      if (p.key().find("lora") == std::string::npos) continue;
      torch::Tensor x = p.value().detach().to(torch::kCPU, torch::kFloat32).contiguous();
      buf += name + p.key();
      buf.append(static_cast<const char*>(x.data_ptr()), size_t(x.numel()) * sizeof(float));
    }
  }
  return sha256_hex(buf);
}

}  // namespace tmf
