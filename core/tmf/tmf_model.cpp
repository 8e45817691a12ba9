#include "tmf/tmf_model.h"

#include <algorithm>

#include "llm/generate.h"
#include "llm/safetensors_torch.h"
#include "util/error.h"

namespace tmf {

const char* level_name(AblationLevel l) {
  switch (l) {
    case AblationLevel::Text: return "text";
    case AblationLevel::Behavior: return "behavior";
    case AblationLevel::Amsa: return "amsa";
    case AblationLevel::Cma: return "cma";
  }
  return "?";
}

AblationLevel parse_level(const std::string& s) {
  if (s == "text") return AblationLevel::Text;
  if (s == "behavior") return AblationLevel::Behavior;
  if (s == "amsa") return AblationLevel::Amsa;
  if (s == "cma" || s == "full") return AblationLevel::Cma;
  fail("unknown ablation level '", s, "' (expected text, behavior, amsa or cma)");
}

Task hardest_task(AblationLevel l) {
  return l == AblationLevel::Text ? Task::Easy : l == AblationLevel::Behavior ? Task::Medium : Task::Hard;
}

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

TmfHeadsImpl::TmfHeadsImpl(const FusionConfig& cfg, int64_t hidden_size) {
  fusion = register_module("fusion", ModalityFusion(cfg));
  item_adaptor = register_module("item_adaptor", Adaptor(cfg.cross_dim(), hidden_size));
  behavior_adaptor = register_module("behavior_adaptor", Adaptor(cfg.graph_dim, hidden_size));
}

TmfModel::TmfModel(Llama llm, Tokenizer tok, ItemFeatures features, NameBook names, AblationLevel level,
                   int64_t fusion_heads)
    : llm_(std::move(llm)), tok_(std::move(tok)), features_(std::move(features)), names_(std::move(names)), level_(level) {
  FusionConfig fc;
  fc.image_dim = features_.image.size(1);
  fc.text_dim = features_.text.size(1);
  fc.graph_dim = features_.graph.size(1);
  TMF_CHECK(features_.behavior.size(1) == fc.graph_dim, "behavior embeddings have width ", features_.behavior.size(1),
            ", item graph embeddings ", fc.graph_dim);
  fc.heads = fusion_heads;
  fc.use_cma = level_ == AblationLevel::Cma;
  heads_ = TmfHeads(fc, llm_->config.hidden_size);
  item_token_ = tok_.add_special_token(kItemToken);
  behavior_token_ = tok_.add_special_token(kBehaviorToken);
  heads_->to(llm_->device());
}

TmfModel::TmfModel(Llama llm, Tokenizer tok, NameBook names, ItemTokenSource items)
    : llm_(std::move(llm)), tok_(std::move(tok)), names_(std::move(names)), level_(AblationLevel::Cma),
      item_source_(std::move(items)), behavior_tokens_(false) {
  TMF_CHECK(item_source_.embed && item_source_.module, "an item token source needs a function and its module");
  item_token_ = tok_.add_special_token(kItemToken);
  behavior_token_ = tok_.add_special_token(kBehaviorToken);
  item_source_.module->to(llm_->device());
}

std::vector<torch::Tensor> TmfModel::head_parameters() const {
  return heads_ ? heads_->parameters() : item_source_.module->parameters();
}

void TmfModel::set_heads_training(bool on) {
  if (heads_) heads_->train(on);
  if (item_source_.module) item_source_.module->train(on);
}

std::vector<int64_t> TmfModel::banned_ids() const {
  std::vector<int64_t> out;
  for (int id : tok_.special_ids())
    if (id < llm_->config.vocab_size) out.push_back(id);
  // Rows of the embedding table that the tokenizer never produces cannot be decoded either.
  for (int64_t id = tok_.vocab_size(); id < llm_->config.vocab_size; ++id) out.push_back(id);
  return out;
}

void TmfModel::to(torch::Device device) {
  llm_->to(device);
  if (heads_) heads_->to(device);
  if (item_source_.module) item_source_.module->to(device);
}

torch::Device TmfModel::device() const { return llm_->device(); }

TmfBatch TmfModel::build(const std::vector<TmfExample>& all_examples, Task task, const std::vector<int>& templates,
                         bool with_answer) {
  TMF_CHECK(!all_examples.empty(), "empty batch");
  // The last max_history_ steps of each history.
  std::vector<TmfExample> trimmed;
  if (max_history_ > 0)
    for (const auto& ex : all_examples)
      if (int64_t(ex.history_items.size()) > max_history_) {
        trimmed = all_examples;
        for (auto& t : trimmed) {
          const size_t n = t.history_items.size(), keep = std::min<size_t>(n, size_t(max_history_));
          t.history_items.erase(t.history_items.begin(), t.history_items.begin() + long(n - keep));
          t.history_behaviors.erase(t.history_behaviors.begin(), t.history_behaviors.begin() + long(n - keep));
        }
        break;
      }
  const std::vector<TmfExample>& examples = trimmed.empty() ? all_examples : trimmed;
  TMF_CHECK(templates.size() == examples.size(), templates.size(), " templates for ", examples.size(), " examples");
  TMF_CHECK(int(task) <= int(hardest_task(level_)), "task ", task_name(task), " needs more than ablation level ",
            level_name(level_));
  const auto dev = device();
  const int64_t B = int64_t(examples.size()), C = llm_->config.hidden_size;
  TmfBatch batch;
  std::vector<std::vector<int64_t>> rows(static_cast<size_t>(B));
  std::vector<std::vector<int64_t>> labels(static_cast<size_t>(B));
  std::vector<std::vector<std::pair<int, PlaceholderRef>>> holders(static_cast<size_t>(B));
  const int64_t eos = tok_.eos_id();
  for (int64_t b = 0; b < B; ++b) {
    const auto& ex = examples[size_t(b)];
    HybridPrompt p = build_prompt(prompt_input(ex, names_), task, templates[size_t(b)]);
    if (!behavior_tokens_) {  // behaviors stay words
      std::vector<PromptPart> parts;
      for (auto& part : p.parts)
        if (!(part.is_placeholder && part.ref.kind == PlaceholderRef::Kind::Behavior)) parts.push_back(std::move(part));
      p.parts = std::move(parts);
    }
    TokenizedPrompt tp = tokenize_prompt(p, tok_, item_token_, behavior_token_);
    auto& r = rows[size_t(b)];
    r.assign(tp.ids.begin(), tp.ids.end());
    labels[size_t(b)].assign(r.size(), -100);
    if (with_answer) {
      TMF_CHECK(ex.truth >= 0 && size_t(ex.truth) < ex.candidates.size(), "training example without a truth");
      std::vector<int> ans = tok_.encode(names_.item(ex.candidates[size_t(ex.truth)]));
      for (int id : ans) {
        r.push_back(id);
        labels[size_t(b)].push_back(id);
      }
      r.push_back(eos);
      labels[size_t(b)].push_back(eos);
    }
    holders[size_t(b)] = tp.placeholders;
    batch.prompt_ids.push_back(tp.ids);
    batch.prompts.push_back(std::move(p));
    batch.history_len.push_back(int64_t(ex.history_items.size()));
  }
  // Left padding.
  int64_t T = 0;
  for (auto& r : rows) T = std::max<int64_t>(T, int64_t(r.size()));
  auto ids = torch::zeros({B, T}, torch::kInt64);
  auto mask = torch::zeros({B, T}, torch::kInt64);
  auto lab = torch::full({B, T}, -100, torch::kInt64);
  std::vector<int64_t> offset(static_cast<size_t>(B));
  const int64_t vocab = llm_->config.vocab_size;
  for (int64_t b = 0; b < B; ++b) {
    const auto& r = rows[size_t(b)];
    offset[size_t(b)] = T - int64_t(r.size());
    for (size_t t = 0; t < r.size(); ++t) {
      int64_t id = r[t];
      if (id >= vocab) id = 0;  // added placeholder ids: their rows are replaced below
      ids[b][offset[size_t(b)] + int64_t(t)] = id;
      mask[b][offset[size_t(b)] + int64_t(t)] = 1;
      lab[b][offset[size_t(b)] + int64_t(t)] = labels[size_t(b)][t];
    }
  }
  ids = ids.to(dev);
  batch.mask = mask.to(dev);
  batch.labels = lab.to(dev);
  auto embeds = llm_->embed(ids);  // (B, T, C)

  // Placeholder embeddings.
  std::vector<int64_t> pos_b, pos_t;
  std::vector<torch::Tensor> values;
  if (task != Task::Easy) {
    // Behavior tokens: behavior adaptor of the graph behavior embedding.
    std::vector<int64_t> bb, bt, bids;
    for (int64_t b = 0; b < B; ++b)
      for (auto& [pos, ref] : holders[size_t(b)])
        if (ref.kind == PlaceholderRef::Kind::Behavior) {
          bb.push_back(b);
          bt.push_back(offset[size_t(b)] + pos);
          bids.push_back(ref.behavior_id);
        }
    if (!bids.empty()) {
      auto beh = features_.behavior.to(dev).index_select(0, features_.behavior_rows(bids).to(dev));  // (n, Dg)
      values.push_back(heads_->behavior_adaptor(beh));  // (n, C), heads run in float32
      pos_b.insert(pos_b.end(), bb.begin(), bb.end());
      pos_t.insert(pos_t.end(), bt.begin(), bt.end());
    }
  }
  if (task == Task::Hard) {
    // History items: fusion over each user's sequence (padded to the longest history).
    int64_t H = *std::max_element(batch.history_len.begin(), batch.history_len.end());
    std::vector<int64_t> hid(size_t(B * H), examples[0].history_items[0]);
    auto hmask = torch::zeros({B, H}, torch::kBool);
    for (int64_t b = 0; b < B; ++b)
      for (int64_t t = 0; t < batch.history_len[size_t(b)]; ++t) {
        hid[size_t(b * H + t)] = examples[size_t(b)].history_items[size_t(t)];
        hmask[b][t] = true;
      }
    std::vector<int64_t> cid;
    std::vector<int64_t> cstart(static_cast<size_t>(B));
    for (int64_t b = 0; b < B; ++b) {
      cstart[size_t(b)] = int64_t(cid.size());
      cid.insert(cid.end(), examples[size_t(b)].candidates.begin(), examples[size_t(b)].candidates.end());
    }
    const auto n = int64_t(cid.size());
    torch::Tensor hist_tokens, cand_tokens;  // (B, H, C), (n, C)
    if (item_source_.embed) {
      hist_tokens = item_source_.embed(hid).view({B, H, C});
      cand_tokens = item_source_.embed(cid);
    } else {
      auto hrows = features_.item_rows(hid).to(dev);
      auto img = features_.image.to(dev).index_select(0, hrows).view({B, H, -1});  // (B, H, Di)
      auto txt = features_.text.to(dev).index_select(0, hrows).view({B, H, -1});   // (B, H, Dt)
      auto gr = features_.graph.to(dev).index_select(0, hrows).view({B, H, -1});   // (B, H, Dg)
      batch.fusion = heads_->fusion(img, txt, gr, hmask.to(dev));
      hist_tokens = heads_->item_adaptor(batch.fusion.items);
      // Candidates: each as a sequence of one.
      auto crows = features_.item_rows(cid).to(dev);
      auto cf = heads_->fusion(features_.image.to(dev).index_select(0, crows).view({n, 1, -1}),
                               features_.text.to(dev).index_select(0, crows).view({n, 1, -1}),
                               features_.graph.to(dev).index_select(0, crows).view({n, 1, -1}),
                               torch::ones({n, 1}, torch::TensorOptions().dtype(torch::kBool).device(dev)));
      cand_tokens = heads_->item_adaptor(cf.items.squeeze(1));
    }
    std::vector<int64_t> hb, ht, hsrc, cb, ct, csrc;
    for (int64_t b = 0; b < B; ++b)
      for (auto& [pos, ref] : holders[size_t(b)]) {
        if (ref.kind == PlaceholderRef::Kind::HistoryItem) {
          hb.push_back(b);
          ht.push_back(offset[size_t(b)] + pos);
          hsrc.push_back(b * H + ref.index);
        } else if (ref.kind == PlaceholderRef::Kind::CandidateItem) {
          cb.push_back(b);
          ct.push_back(offset[size_t(b)] + pos);
          csrc.push_back(cstart[size_t(b)] + ref.index);
        }
      }
    auto idx = [&](const std::vector<int64_t>& v) { return torch::tensor(v, torch::kInt64).to(dev); };
    if (!hsrc.empty()) {
      values.push_back(hist_tokens.reshape({B * H, C}).index_select(0, idx(hsrc)));
      pos_b.insert(pos_b.end(), hb.begin(), hb.end());
      pos_t.insert(pos_t.end(), ht.begin(), ht.end());
    }
    if (!csrc.empty()) {
      values.push_back(cand_tokens.index_select(0, idx(csrc)));
      pos_b.insert(pos_b.end(), cb.begin(), cb.end());
      pos_t.insert(pos_t.end(), ct.begin(), ct.end());
    }
  }
  if (!values.empty()) {
    auto src = torch::cat(values, 0).to(embeds.dtype());  // (n, C)
    auto bi = torch::tensor(pos_b, torch::kInt64).to(dev), ti = torch::tensor(pos_t, torch::kInt64).to(dev);
    embeds = embeds.index_put({bi, ti}, src);  // out of place: gradients reach the adaptors
  }
  batch.embeds = embeds;
  return batch;
}

torch::Tensor TmfModel::loss(const TmfBatch& batch) {
  TMF_CHECK(batch.labels.defined(), "loss needs a batch built with answers");
  auto logits = llm_->forward_embeds(batch.embeds, batch.mask);                  // (B, T, V)
  auto V = logits.size(-1);
  auto pred = logits.slice(1, 0, logits.size(1) - 1).reshape({-1, V}).to(torch::kFloat32);
  auto target = batch.labels.slice(1, 1).reshape({-1});
  return torch::nn::functional::cross_entropy(
      pred, target, torch::nn::functional::CrossEntropyFuncOptions().ignore_index(-100));
}

std::vector<std::string> TmfModel::generate(const TmfBatch& batch, int64_t max_new_tokens) {
  GenerateOptions o;
  o.max_new_tokens = max_new_tokens;
  o.banned_ids = banned_ids();
  torch::NoGradGuard ng;
  auto out = generate_greedy_embeds(*llm_, batch.embeds, batch.mask, o);
  std::vector<std::string> texts;
  for (auto& ids : out) {
    std::vector<int> v;
    for (int64_t id : ids)
      if (id != tok_.eos_id()) v.push_back(int(id));
    texts.push_back(tok_.decode(v));
  }
  return texts;
}

}  // namespace tmf
