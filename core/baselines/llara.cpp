// LLaRA (Liao et al., SIGIR'24): SASRec item embeddings through an MLP projector as item tokens of
// hybrid prompts, curriculum from text-only to hybrid, on TMF's backbone.
#include "baselines/llara.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <optional>

#include "baselines/ranking_recommender.h"
#include "baselines/sasrec.h"
#include "data/candidates.h"
#include "eval/answer_match.h"
#include "fusion/adaptor.h"
#include "graph/mbht_rank.h"
#include "llm/candidate_decoding.h"
#include "llm/generate.h"
#include "llm/llama.h"
#include "llm/lora.h"
#include "llm/safetensors_torch.h"
#include "llm/tokenizer.h"
#include "prompt/hybrid_prompt.h"
#include "tmf/tmf_example.h"
#include "train/backbone.h"
#include "train/tmf_pipeline.h"
#include "train/tmf_tuning.h"
#include "util/error.h"
#include "util/json_file.h"
#include "util/rng.h"
#include "util/sha256.h"
#include "util/strings.h"

namespace tmf {

namespace fs = std::filesystem;
void write_json_atomically(const std::string& path, const nlohmann::json& j);  // recommender.cpp

nlohmann::json llara_defaults() {
  return {
      {"preset", "default"},     // backbone / tuning sizes: "default" (PipelineOptions()) or "tiny"
      {"tune_steps", 0},         // curriculum steps T; 0: the preset's (TMF's tuning steps)
      {"backbone_steps", 0},     // backbone warm-up steps when the stage is built here; 0: the preset's
      {"sasrec_epochs", 0},      // SASRec epochs (early stopping on validation); 0: SASRec's default
      {"eval_batch", 16},        // prompts per free-decoding batch
      {"max_new_tokens", 48},    // free decoding
  };
}

struct LlaraState {
  Llama llm{nullptr};
  std::optional<Tokenizer> tok_holder;  // Tokenizer has no empty state
  Tokenizer& tok_ref() { return *tok_holder; }
  const Tokenizer& tok_ref() const { return *tok_holder; }
  Adaptor projector{nullptr};
  torch::Tensor item_table;                        // (N + 1, 64) frozen SASRec item embeddings
  std::unordered_map<int64_t, int64_t> item_row;   // dataset id -> row
  NameBook names;
  int item_token = -1, behavior_token = -1;
  int64_t target_behavior = 0;
  std::string sasrec_dir, backbone_dir, tokenizer_path;

  struct Batch {
    torch::Tensor embeds, mask, labels;  // (B, T, C), (B, T), (B, T)
  };

  // Prompts of `examples` (hybrid: item tokens; else text only), with answers when asked.
  Batch build(const std::vector<TmfExample>& examples, bool hybrid, const std::vector<int>& templates,
              bool with_answer) {
    const auto dev = llm->device();
    const int64_t B = int64_t(examples.size());
    std::vector<std::vector<int64_t>> rows(static_cast<size_t>(B)), labels(static_cast<size_t>(B));
    std::vector<std::vector<std::pair<int64_t, int64_t>>> holders(static_cast<size_t>(B));  // (position, item id)
    for (int64_t b = 0; b < B; ++b) {
      const TmfExample& ex = examples[size_t(b)];
      HybridPrompt p = build_prompt(prompt_input(ex, names), hybrid ? Task::Hard : Task::Easy, templates[size_t(b)]);
      // LLaRA has item tokens only: behavior placeholders are dropped (behaviors stay as words).
      std::vector<PromptPart> parts;
      for (auto& part : p.parts)
        if (!(part.is_placeholder && part.ref.kind == PlaceholderRef::Kind::Behavior)) parts.push_back(part);
      p.parts = std::move(parts);
      TokenizedPrompt tp = tokenize_prompt(p, tok_ref(), item_token, behavior_token);
      auto& r = rows[size_t(b)];
      r.assign(tp.ids.begin(), tp.ids.end());
      labels[size_t(b)].assign(r.size(), -100);
      for (auto& [pos, ref] : tp.placeholders) {
        if (ref.kind == PlaceholderRef::Kind::HistoryItem)
          holders[size_t(b)].push_back({pos, ex.history_items[size_t(ref.index)]});
        else if (ref.kind == PlaceholderRef::Kind::CandidateItem)
          holders[size_t(b)].push_back({pos, ex.candidates[size_t(ref.index)]});
      }
      if (with_answer) {
        TMF_CHECK(ex.truth >= 0 && size_t(ex.truth) < ex.candidates.size(), "llara: training example without a truth");
        for (int id : tok_ref().encode(names.item(ex.candidates[size_t(ex.truth)]))) {
          r.push_back(id);
          labels[size_t(b)].push_back(id);
        }
        r.push_back(tok_ref().eos_id());
        labels[size_t(b)].push_back(tok_ref().eos_id());
      }
    }
    int64_t T = 0;
    for (auto& r : rows) T = std::max<int64_t>(T, int64_t(r.size()));
    torch::Tensor ids = torch::zeros({B, T}, torch::kInt64), mask = torch::zeros({B, T}, torch::kInt64);
    torch::Tensor lab = torch::full({B, T}, -100, torch::kInt64);
    std::vector<int64_t> pb, pt, prow;
    const int64_t vocab = llm->config.vocab_size;
    for (int64_t b = 0; b < B; ++b) {
      const auto& r = rows[size_t(b)];
      const int64_t off = T - int64_t(r.size());
      for (size_t t = 0; t < r.size(); ++t) {
        ids[b][off + int64_t(t)] = r[t] >= vocab ? 0 : r[t];  // placeholder rows are replaced below
        mask[b][off + int64_t(t)] = 1;
        lab[b][off + int64_t(t)] = labels[size_t(b)][t];
      }
      for (auto& [pos, item] : holders[size_t(b)]) {
        auto it = item_row.find(item);
        TMF_CHECK(it != item_row.end(), "llara: no SASRec embedding for item ", item);
        pb.push_back(b);
        pt.push_back(off + pos);
        prow.push_back(it->second);
      }
    }
    Batch out;
    out.mask = mask.to(dev);
    out.labels = lab.to(dev);
    out.embeds = llm->embed(ids.to(dev));  // (B, T, C)
    if (!prow.empty()) {
      auto t = [&](const std::vector<int64_t>& v) { return torch::tensor(v, torch::kInt64).to(dev); };
      torch::Tensor src = projector->forward(item_table.to(dev).index_select(0, t(prow)));  // (n, C)
      out.embeds = out.embeds.index_put({t(pb), t(pt)}, src.to(out.embeds.dtype()));
    }
    return out;
  }

  torch::Tensor loss(const Batch& b) {
    torch::Tensor logits = llm->forward_embeds(b.embeds, b.mask);  // (B, T, V)
    const int64_t V = logits.size(-1);
    return torch::nn::functional::cross_entropy(
        logits.slice(1, 0, logits.size(1) - 1).reshape({-1, V}).to(torch::kFloat32), b.labels.slice(1, 1).reshape({-1}),
        torch::nn::functional::CrossEntropyFuncOptions().ignore_index(-100));
  }

  std::vector<int64_t> banned() const {
    std::vector<int64_t> out;
    for (int id : tok_ref().special_ids())
      if (id < llm->config.vocab_size) out.push_back(id);
    for (int64_t id = tok_ref().vocab_size(); id < llm->config.vocab_size; ++id) out.push_back(id);
    return out;
  }
};

LlaraRecommender::LlaraRecommender(const nlohmann::json& overrides)
    : settings_(merge_settings(llara_defaults(), overrides, "llara")) {
  const std::string p = settings_.at("preset").get<std::string>();
  TMF_CHECK(p == "default" || p == "tiny", "llara: preset must be default or tiny, got '", p, "'");
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
  PipelineOptions po = settings_.at("preset") == "tiny" ? PipelineOptions::tiny() : PipelineOptions();
  if (int64_t v = settings_.at("tune_steps").get<int64_t>()) po.tune.steps = v;
  if (int64_t v = settings_.at("backbone_steps").get<int64_t>()) po.backbone.steps = v;
  const std::string seed_s = std::to_string(opts.seed);
  const std::string stages = opts.work_dir + "/stages-seed" + seed_s, own = opts.work_dir + "/llara-seed" + seed_s;
  fs::create_directories(stages);
  fs::create_directories(own);
  // 1. TMF's backbone stage (shared with `tmf` and `text-llm` of the same seed).
  BackboneOptions bo = po.backbone;
  bo.split = opts.split;
  bo.seed = opts.seed;
  auto st = std::make_unique<LlaraState>();
  st->tokenizer_path = stages + "/tokenizer.model";
  st->backbone_dir = stages + "/backbone";
  if (!fs::exists(st->backbone_dir + "/model.safetensors") || !fs::exists(st->tokenizer_path))
    build_backbone(backbone_corpus(ds, bo), bo, stages, progress);
  // 2. SASRec on the same split and seed (its item table feeds the projector).
  nlohmann::json so;
  if (int64_t e = settings_.at("sasrec_epochs").get<int64_t>()) so["epochs"] = e;
  RankingRecommender sasrec("sasrec", so);
  sasrec.train(ds, opts, progress);
  sasrec.save(own + "/sasrec");
  attach_sasrec(*st, ds, own + "/sasrec");
  // 3. LoRA + projector with LLaRA's curriculum.
  LlamaLoadOptions lo;
  lo.device = opts.device;
  st->llm = load_llama(st->backbone_dir, lo);
  torch::manual_seed(opts.seed);
  add_lora(*st->llm, po.lora);
  st->tok_holder.emplace(Tokenizer::load(st->tokenizer_path));
  st->item_token = st->tok_ref().add_special_token(kItemToken);
  st->behavior_token = st->tok_ref().add_special_token(kBehaviorToken);
  st->projector = Adaptor(st->item_table.size(1), st->llm->config.hidden_size);
  st->projector->to(st->llm->device());
  st->names = NameBook::of(ds);
  st->target_behavior = ds.target_behavior().id;

  const TuneOptions& to = po.tune;
  std::vector<torch::Tensor> params = freeze_all_but_lora(*st->llm);
  if (to.train_lm_head && st->llm->lm_head) {
    st->llm->lm_head->weight.set_requires_grad(true);
    params.push_back(st->llm->lm_head->weight);
  }
  for (auto& p : st->projector->parameters()) params.push_back(p);
  torch::optim::Adam opt(params, torch::optim::AdamOptions(to.lr));
  const auto rows = training_rows(ds, opts.split);
  TMF_CHECK(!rows.empty(), "llara: split '", opts.split, "' has no training examples");
  std::vector<int64_t> catalog;
  for (auto& [id, row] : st->item_row) catalog.push_back(id);
  std::sort(catalog.begin(), catalog.end());
  const auto seen = items_seen_by_user(ds);
  static const std::vector<int64_t> kNone;
  Rng rng(opts.seed ^ 0x6c6c617261ull);  // "llara"
  st->llm->train();
  st->projector->train();
  std::vector<double> losses;
  int64_t hybrid_steps = 0;
  for (int64_t step = 0; step < to.steps; ++step) {
    const bool hybrid = rng.uniform() < double(step) / double(to.steps);  // LLaRA: threshold = step / max_step
    hybrid_steps += hybrid;
    for (auto& p : params) p.mutable_grad() = torch::Tensor();
    double loss_sum = 0;
    for (int64_t micro = 0; micro < to.grad_accum; ++micro) {
      std::vector<TmfExample> batch;
      std::vector<int> templates;
      for (int64_t b = 0; b < to.batch; ++b) {
        const SplitRow& row = rows[rng.below(rows.size())];
        auto it = seen.find(row.user_id);
        batch.push_back(training_example(row, st->target_behavior, catalog, it == seen.end() ? kNone : it->second,
                                         to.negatives, rng));
        templates.push_back(int(rng.below(kNumPromptTemplates)));
      }
      torch::Tensor loss = st->loss(st->build(batch, hybrid, templates, /*with_answer=*/true)) / double(to.grad_accum);
      loss.backward();
      loss_sum += loss.item<double>();
    }
    for (auto& g : opt.param_groups()) static_cast<torch::optim::AdamOptions&>(g.options()).lr(tuning_lr(to, step));
    opt.step();
    losses.push_back(loss_sum);
    progress.report("train:llara", double(step + 1), double(to.steps),
                    std::string(hybrid ? "hybrid" : "text") + " loss " + std::to_string(loss_sum).substr(0, 6));
  }
  st->llm->eval();
  st->projector->eval();
  st_ = std::move(st);
  training_ = {{"split", opts.split},
               {"seed", opts.seed},
               {"tune_steps", to.steps},
               {"hybrid_steps", hybrid_steps},
               {"first_loss", losses.empty() ? 0.0 : losses.front()},
               {"final_loss", losses.empty() ? 0.0 : losses.back()},
               {"sasrec", sasrec.training()},
               {"seconds", std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count()}};
  save(own + "/model");
}

std::vector<std::vector<float>> LlaraRecommender::score(const std::vector<const SplitRow*>& rows,
                                                        const std::vector<std::vector<int64_t>>& candidates) {
  TMF_CHECK(st_, "llara: the model is neither trained nor loaded");
  TMF_CHECK(rows.size() == candidates.size(), "score: ", rows.size(), " rows but ", candidates.size(), " candidate lists");
  torch::NoGradGuard ng;
  EvalModeGuard eval_mode(*st_->llm);
  ScoreOptions so;
  so.append_eos = true;
  so.eos_id = st_->tok_ref().eos_id();
  std::vector<std::vector<float>> out;
  for (size_t i = 0; i < rows.size(); ++i) {
    CandidateRow cr;
    cr.items = candidates[i];
    TmfExample ex = example_of(*rows[i], cr, st_->target_behavior);
    ex.truth = -1;
    auto b = st_->build({ex}, /*hybrid=*/true, {0}, /*with_answer=*/false);
    std::vector<std::vector<int64_t>> ids;
    for (int64_t c : candidates[i]) {
      auto t = st_->tok_ref().encode(st_->names.item(c));
      ids.emplace_back(t.begin(), t.end());
    }
    std::vector<float> s;
    for (const auto& c : score_candidates(*st_->llm, Prompt::from_embeds(b.embeds), ids, so))
      s.push_back(float(c.sum_logprob));
    out.push_back(std::move(s));
  }
  return out;
}

RecEvalResult LlaraRecommender::evaluate(const Dataset& ds, const RecEvalOptions& o, const Progress& progress) {
  TMF_CHECK(st_, "llara: the model is neither trained nor loaded");
  TMF_CHECK(o.decode == "free" || o.decode == "constrained" || o.decode == "likelihood", "unknown decoding mode '",
            o.decode, "' (expected free, constrained or likelihood)");
  const auto t0 = std::chrono::steady_clock::now();
  RankRows rows = load_rank_rows(ds, o.split, o.candidates, o.part);
  std::vector<TmfExample> examples;
  for (size_t i = 0; i < rows.rows.size(); ++i) {
    if (rows.rows[i].history.empty()) continue;
    examples.push_back(example_of(rows.rows[i], rows.candidates[i], st_->target_behavior));
    if (o.limit > 0 && int64_t(examples.size()) >= o.limit) break;
  }
  torch::NoGradGuard ng;
  EvalModeGuard eval_mode(*st_->llm);
  RecEvalResult res;
  const size_t step = o.decode == "free" ? size_t(std::max<int64_t>(1, settings_.at("eval_batch").get<int64_t>())) : 1;
  GenerateOptions go;
  go.max_new_tokens = settings_.at("max_new_tokens").get<int64_t>();
  go.banned_ids = st_->banned();
  for (size_t at = 0; at < examples.size(); at += step) {
    const size_t end = std::min(examples.size(), at + step);
    std::vector<TmfExample> chunk(examples.begin() + long(at), examples.begin() + long(end));
    auto batch = st_->build(chunk, /*hybrid=*/true, std::vector<int>(chunk.size(), 0), /*with_answer=*/false);
    auto names_of = [&](const TmfExample& ex) {
      std::vector<std::string> n;
      for (int64_t c : ex.candidates) n.push_back(st_->names.item(c));
      return n;
    };
    if (o.decode == "free") {
      auto outs = generate_greedy_embeds(*st_->llm, batch.embeds, batch.mask, go);
      for (size_t i = 0; i < chunk.size(); ++i) {
        std::vector<int> v;
        for (int64_t id : outs[i])
          if (id != st_->tok_ref().eos_id()) v.push_back(int(id));
        res.stats.add(match_answer(st_->tok_ref().decode(v), names_of(chunk[i])), chunk[i].truth);
      }
    } else {
      std::vector<std::vector<int64_t>> ids;
      for (auto& n : names_of(chunk[0])) {
        auto t = st_->tok_ref().encode(n);
        ids.emplace_back(t.begin(), t.end());
      }
      int choice = -1;
      auto prompt = Prompt::from_embeds(batch.embeds);
      if (o.decode == "constrained") {
        choice = int(constrained_greedy(*st_->llm, prompt, ids, st_->tok_ref().eos_id()).candidate);
      } else {
        ScoreOptions so;
        so.append_eos = true;
        so.eos_id = st_->tok_ref().eos_id();
        double best = -1e300;
        auto sc = score_candidates(*st_->llm, prompt, ids, so);
        for (size_t c = 0; c < sc.size(); ++c)
          if (sc[c].sum_logprob > best) best = sc[c].sum_logprob, choice = int(c);
      }
      AnswerMatch m;
      if (choice >= 0) m.named = {choice};
      res.stats.add(m, chunk[0].truth);
    }
    progress.report("eval:llara", double(end), double(examples.size()));
  }
  res.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return res;
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
  for (const auto& p : st_->llm->named_parameters()) t["llm." + p.key()] = p.value().detach().to(torch::kCPU);
  for (const auto& p : st_->projector->named_parameters()) t["projector." + p.key()] = p.value().detach().to(torch::kCPU);
  st::save(dir + "/llara.safetensors", t, {{"format", "pt"}, {"model", "llara"}});
  LoraConfig lc = lora_config_of(*st_->llm);
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
  st->llm = load_llama(st->backbone_dir);
  LoraConfig lc;
  lc.r = j.at("lora").at("r").get<int64_t>();
  lc.alpha = j.at("lora").at("alpha").get<double>();
  lc.dropout = j.at("lora").at("dropout").get<double>();
  lc.target_modules = j.at("lora").at("target_modules").get<std::vector<std::string>>();
  add_lora(*st->llm, lc);
  st->tok_holder.emplace(Tokenizer::load(st->tokenizer_path));
  st->item_token = st->tok_ref().add_special_token(kItemToken);
  st->behavior_token = st->tok_ref().add_special_token(kBehaviorToken);
  st->projector = Adaptor(st->item_table.size(1), st->llm->config.hidden_size);
  auto t = st::load_all(dir + "/llara.safetensors");
  torch::NoGradGuard ng;
  auto fill = [&](torch::nn::Module& m, const std::string& prefix) {
    for (auto& p : m.named_parameters()) {
      auto it = t.find(prefix + p.key());
      TMF_CHECK(it != t.end(), dir, "/llara.safetensors lacks '", prefix + p.key(), "'");
      TMF_CHECK(it->second.sizes() == p.value().sizes(), dir, "/llara.safetensors: '", prefix + p.key(), "' has shape ",
                it->second.sizes(), ", expected ", p.value().sizes());
      p.value().copy_(it->second);
    }
  };
  fill(*st->llm, "llm.");
  fill(*st->projector, "projector.");
  st->llm->eval();
  st->projector->eval();
  st->names = NameBook::of(ds);
  st->target_behavior = ds.target_behavior().id;
  st_ = std::move(st);
}

std::string LlaraRecommender::model_hash() const {
  TMF_CHECK(st_, "llara: no model");
  std::string buf = settings_.dump();
  for (const auto& p : st_->projector->named_parameters()) {
    torch::Tensor x = p.value().detach().to(torch::kCPU, torch::kFloat32).contiguous();
    buf.append(static_cast<const char*>(x.data_ptr()), size_t(x.numel()) * sizeof(float));
  }
  for (const auto& [name, l] : st_->llm->linears()) {
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
