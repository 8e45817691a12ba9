#include "tmf/inference.h"

#include <torch/torch.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "data/dataset.h"
#include "llm/device.h"
#include "tmf/answer_decoding.h"
#include "tmf/tmf_package.h"
#include "encoders/item_embedder.h"
#include "util/error.h"
#include "util/strings.h"

namespace tmf {
namespace fs = std::filesystem;
namespace {

using Clock = std::chrono::steady_clock;
double ms_since(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }

AttentionMap to_map(const std::string& name, const torch::Tensor& w) {  // w (1, H, T, T)
  AttentionMap m;
  m.name = name;
  auto t = w[0].to(torch::kCPU, torch::kFloat32).contiguous();  // (H, T, T)
  m.heads = t.size(0);
  m.rows = t.size(1);
  m.cols = t.size(2);
  m.weights.assign(t.data_ptr<float>(), t.data_ptr<float>() + t.numel());
  return m;
}

// Adds the request's new items to the model's features and names for the duration of one run.
class NewItemScope {
 public:
  NewItemScope(TmfModel& model, const std::vector<NewItem>& items, const ItemEmbedder* embedder)
      : model_(model) {
    if (items.empty()) return;
    saved_features_ = model.features();
    saved_names_ = model.names();
    active_ = true;
    TMF_CHECK(embedder, "this model package has no item CLIP (clip/), so it cannot embed new items such as '",
              items[0].name, "'; retrain it with this version of TMF Studio");
    ItemFeatures& f = model.mutable_features();
    NameBook& names = model.mutable_names();
    std::vector<torch::Tensor> img, txt;
    // A new item was never part of the behavior graph: MBHT has no embedding for it, so it gets the
    // mean graph embedding of the dataset's items (the neutral point of that space).
    auto graph_mean = f.graph.mean(0, /*keepdim=*/true);  // (1, Dg)
    int64_t row = f.image.size(0);
    for (const auto& it : items) {
      auto [vi, vt] = embedder->embed(it.text.empty() ? it.name : it.name + " " + it.text, it.image);
      img.push_back(torch::tensor(vi).view({1, -1}));
      txt.push_back(torch::tensor(vt).view({1, -1}));
      f.item_row[it.id] = row++;
      names.items[it.id] = it.name;
    }
    f.image = torch::cat({f.image, torch::cat(img, 0)}, 0);
    f.text = torch::cat({f.text, torch::cat(txt, 0)}, 0);
    f.graph = torch::cat({f.graph, graph_mean.expand({int64_t(items.size()), -1})}, 0);
  }
  ~NewItemScope() {
    if (!active_) return;
    model_.mutable_features() = std::move(saved_features_);
    model_.mutable_names() = std::move(saved_names_);
  }
  NewItemScope(const NewItemScope&) = delete;
  NewItemScope& operator=(const NewItemScope&) = delete;

 private:
  TmfModel& model_;
  ItemFeatures saved_features_;
  NameBook saved_names_;
  bool active_ = false;
};

// Limits of a request, derived from the backbone's positions and checked before anything is
// embedded or allocated: every history step puts at least one token into the prompt, every
// candidate its whole name, and the answer needs room after the prompt. (Unchecked, a 10,000-step
// request or a 100,000-character name asked for gigabytes before failing.)
void check_fits_positions(TmfModel& model, const InferenceRequest& rq, int64_t steps_used) {
  const int64_t P = model.llm()->config.max_position_embeddings;
  TMF_CHECK(rq.max_new_tokens >= 1 && rq.max_new_tokens <= P, "max_new_tokens ", rq.max_new_tokens,
            " is outside [1, ", P, "] (the backbone's positions)");
  TMF_CHECK(int64_t(rq.candidates.size()) < P, "the request has ", rq.candidates.size(),
            " candidates; a prompt of this backbone holds ", P, " tokens, so fewer than ", P, " candidates fit");
  std::map<int64_t, std::string> new_names;
  for (const auto& n : rq.new_items) new_names[n.id] = n.name;
  int64_t longest = 0, listed = steps_used;  // prompt tokens at least: one per step, each candidate's name
  for (int64_t c : rq.candidates) {
    auto it = new_names.find(c);
    const std::string text = it != new_names.end() ? it->second : model.answer_text(c);
    const int64_t n = int64_t(model.tokenizer().encode(text).size());
    TMF_CHECK(n < P, "candidate ", c, "'s name is ", n, " tokens (", text.size(), " characters); the backbone has ",
              P, " positions");
    longest = std::max(longest, n);
    listed += n;
  }
  TMF_CHECK(listed + longest + 1 <= P, "the request needs at least ", listed + longest + 1, " positions (",
            steps_used, " history steps, ", rq.candidates.size(), " candidate names of ", listed - steps_used,
            " tokens, an answer of up to ", longest + 1, "); the backbone has ", P,
            ": use fewer history steps or candidates");
}

}  // namespace

std::vector<float> AttentionMap::head_mean() const {
  std::vector<float> out(size_t(rows * cols), 0.f);
  if (heads == 0) return out;
  for (int64_t h = 0; h < heads; ++h)
    for (int64_t i = 0; i < rows * cols; ++i) out[size_t(i)] += weights[size_t(h * rows * cols + i)];
  for (auto& v : out) v /= float(heads);
  return out;
}

struct InferenceSession::Impl {
  ModelSummary summary;
  std::unique_ptr<LoadedPackage> pkg;
  std::unique_ptr<ItemEmbedder> embedder;
  std::set<int64_t> dataset_items;
  std::set<int64_t> behavior_ids;
};

InferenceSession::InferenceSession(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
InferenceSession::~InferenceSession() = default;

std::unique_ptr<InferenceSession> InferenceSession::open(const std::string& package_dir, const Dataset& dataset,
                                                         const std::string& device, const Progress& progress) {
  progress.report("load model", 0, 3);
  const std::string dev = resolve_device(device);
  auto impl = std::make_unique<Impl>();
  const NameBook names = NameBook::of(dataset);  // one read of the items: names and known ids
  impl->pkg = std::make_unique<LoadedPackage>(load_package(package_dir, names, dev, &dataset));
  progress.report("load model", 1, 3);
  if (fs::is_regular_file(package_dir + "/clip/model.safetensors"))
    impl->embedder = std::make_unique<ItemEmbedder>(package_dir + "/clip", package_dir + "/tokenizer.model", dev);
  progress.report("load model", 2, 3);
  for (const auto& [id, name] : names.items) impl->dataset_items.insert(id);
  for (const auto& b : dataset.behaviors()) impl->behavior_ids.insert(b.id);
  TmfModel& model = impl->pkg->model;
  ModelSummary& s = impl->summary;
  s.package_dir = package_dir;
  s.level = level_name(model.level());
  s.fusion_heads = model.heads()->fusion->cfg.heads;
  s.max_history = model.max_history();
  s.dataset_name = impl->pkg->info.dataset_name;
  s.backbone = impl->pkg->info.backbone_reference.empty() ? "in package" : impl->pkg->info.backbone_reference;
  for (auto& p : model.llm()->parameters()) s.parameters += p.numel();
  for (auto& p : model.heads()->parameters()) s.parameters += p.numel();
  s.can_embed_new_items = impl->embedder != nullptr;
  s.device = device_description(dev);
  progress.report("load model", 3, 3);
  return std::unique_ptr<InferenceSession>(new InferenceSession(std::move(impl)));
}

const ModelSummary& InferenceSession::summary() const { return impl_->summary; }

InferenceResult InferenceSession::run(const InferenceRequest& rq, const Progress& progress) {
  const auto t_start = Clock::now();
  TmfModel& model = impl_->pkg->model;
  // Validation: every offending value named.
  TMF_CHECK(!rq.history_items.empty(), "the sequence is empty: add at least one (item, behavior) step");
  TMF_CHECK(rq.history_items.size() == rq.history_behaviors.size(), "the sequence has ", rq.history_items.size(),
            " items but ", rq.history_behaviors.size(), " behaviors");
  TMF_CHECK(!rq.candidates.empty(), "the candidate list is empty");
  TMF_CHECK(rq.template_id >= 0 && rq.template_id < kNumPromptTemplates, "prompt template ", rq.template_id,
            " does not exist (0..", kNumPromptTemplates - 1, ")");
  TMF_CHECK(rq.expected >= -1 && rq.expected < int(rq.candidates.size()), "expected answer index ", rq.expected,
            " is outside the ", rq.candidates.size(), " candidates");
  std::set<int64_t> new_ids;
  for (const auto& n : rq.new_items) {
    TMF_CHECK(n.id < 0, "new item '", n.name, "' has id ", n.id, "; new items need negative ids");
    TMF_CHECK(!n.name.empty(), "new item ", n.id, " has no name");
    check_text(n.name, "the name of new item " + std::to_string(n.id));
    check_text(n.text, "the text of new item " + std::to_string(n.id));
    TMF_CHECK(new_ids.insert(n.id).second, "new item id ", n.id, " is used twice");
  }
  auto known = [&](int64_t id) { return impl_->dataset_items.count(id) || new_ids.count(id); };
  for (size_t i = 0; i < rq.history_items.size(); ++i) {
    TMF_CHECK(known(rq.history_items[i]), "step ", i + 1, " names item ", rq.history_items[i],
              ", which is neither in the dataset nor a new item");
    TMF_CHECK(impl_->behavior_ids.count(rq.history_behaviors[i]), "step ", i + 1, " has behavior id ",
              rq.history_behaviors[i], ", which is not in the dataset's vocabulary");
  }
  TMF_CHECK(impl_->behavior_ids.count(rq.target_behavior), "target behavior id ", rq.target_behavior,
            " is not in the dataset's vocabulary");
  std::set<int64_t> seen_cands;
  for (int64_t c : rq.candidates) {
    TMF_CHECK(known(c), "candidate ", c, " is neither in the dataset nor a new item");
    TMF_CHECK(seen_cands.insert(c).second, "candidate ", c, " is listed twice");
  }

  InferenceResult r;
  r.decode = rq.decode;
  r.expected = rq.expected;
  r.level = level_name(model.level());
  if (model.max_history() > 0 && int64_t(rq.history_items.size()) > model.max_history())
    r.history_offset = int64_t(rq.history_items.size()) - model.max_history();
  check_fits_positions(model, rq, int64_t(rq.history_items.size()) - r.history_offset);
  r.device = impl_->summary.device;
  torch::NoGradGuard ng;
  model.llm()->eval();
  model.heads()->eval();

  auto t = Clock::now();
  progress.report("infer", 0, 4, "embedding new items");
  NewItemScope scope(model, rq.new_items, impl_->embedder.get());
  TmfExample ex;
  ex.history_items = rq.history_items;
  ex.history_behaviors = rq.history_behaviors;
  ex.target_behavior = rq.target_behavior;
  ex.candidates = rq.candidates;
  ex.truth = rq.expected;
  for (int64_t c : rq.candidates) r.candidate_names.push_back(model.names().item(c));
  const Task task = hardest_task(model.level());
  r.task = task_name(task);
  r.timings.prepare_ms = ms_since(t);

  t = Clock::now();
  progress.report("infer", 1, 4, "fusion and prompt");
  TmfBatch batch = model.build({ex}, task, {rq.template_id}, /*with_answer=*/false);
  r.prompt = batch.prompts[0];
  r.prompt_text = r.prompt.render();
  r.prompt_tokens = batch.embeds.size(1);
  {
    int64_t longest = 0;
    for (int64_t c : rq.candidates)
      longest = std::max<int64_t>(longest, int64_t(model.tokenizer().encode(model.answer_text(c)).size()));
    const int64_t P = model.llm()->config.max_position_embeddings;
    TMF_CHECK(r.prompt_tokens + longest + 1 <= P, "the prompt has ", r.prompt_tokens,
              " tokens and the longest candidate answer ", longest, "; the backbone has ", P,
              " positions: use fewer history steps or candidates");
  }
  if (batch.fusion.amsa.defined()) r.attention.push_back(to_map("amsa", batch.fusion.amsa));
  if (batch.fusion.cma_ext.defined()) r.attention.push_back(to_map("cma_ext", batch.fusion.cma_ext));
  if (batch.fusion.cma_img.defined()) r.attention.push_back(to_map("cma_img", batch.fusion.cma_img));
  r.timings.fusion_ms = ms_since(t);

  // Scores of every candidate: likelihood of "name EOS" after the prompt.
  t = Clock::now();
  progress.report("infer", 2, 4, "scoring candidates");
  DecodeOptions score_opts;
  score_opts.mode = DecodeMode::Likelihood;
  const AnswerChoice scored = decode_answers(model, batch, {ex}, score_opts)[0];
  double mx = -1e300;
  for (auto& s : scored.scores) mx = std::max(mx, s.sum_logprob);
  double z = 0;
  for (auto& s : scored.scores) z += std::exp(s.sum_logprob - mx);
  for (auto& s : scored.scores) {
    r.candidate_scores.push_back(s.mean_logprob);
    r.candidate_probs.push_back(std::exp(s.sum_logprob - mx) / z);
  }
  r.timings.score_ms = ms_since(t);

  t = Clock::now();
  progress.report("infer", 3, 4, "decoding");
  DecodeOptions dopts;
  dopts.mode = rq.decode;
  dopts.max_new_tokens = rq.max_new_tokens;
  const AnswerChoice answer =
      rq.decode == DecodeMode::Likelihood ? scored : decode_answers(model, batch, {ex}, dopts)[0];
  r.generated = answer.output;
  r.matched = answer.choice();
  r.valid = r.matched >= 0;
  r.timings.generate_ms = ms_since(t);
  r.timings.total_ms = ms_since(t_start);
  progress.report("infer", 4, 4);
  return r;
}

std::string inference_result_json(const InferenceResult& r, int indent) {
  nlohmann::json j;
  j["level"] = r.level;
  j["task"] = r.task;
  j["decode"] = decode_mode_name(r.decode);
  j["device"] = r.device;
  j["prompt"] = r.prompt_text;
  j["prompt_tokens"] = r.prompt_tokens;
  j["history_offset"] = r.history_offset;
  nlohmann::json parts = nlohmann::json::array();
  for (const auto& p : r.prompt.parts) {
    if (!p.is_placeholder) {
      parts.push_back({{"text", p.text}});
      continue;
    }
    const char* kind = p.ref.kind == PlaceholderRef::Kind::HistoryItem     ? "history_item"
                       : p.ref.kind == PlaceholderRef::Kind::CandidateItem ? "candidate_item"
                                                                            : "behavior";
    nlohmann::json ref = {{"kind", kind}};
    if (p.ref.kind == PlaceholderRef::Kind::Behavior) ref["behavior_id"] = p.ref.behavior_id;
    else ref["index"] = p.ref.index;
    parts.push_back({{"placeholder", p.text}, {"ref", ref}});
  }
  j["prompt_parts"] = parts;
  j["generated"] = r.generated;
  j["matched"] = r.matched;
  j["valid"] = r.valid;
  j["expected"] = r.expected;
  nlohmann::json cands = nlohmann::json::array();
  for (size_t c = 0; c < r.candidate_names.size(); ++c)
    cands.push_back({{"name", r.candidate_names[c]},
                     {"mean_logprob", r.candidate_scores[c]},
                     {"probability", r.candidate_probs[c]}});
  j["candidates"] = cands;
  nlohmann::json att = nlohmann::json::object();
  for (const auto& m : r.attention) {
    nlohmann::json heads = nlohmann::json::array();
    for (int64_t h = 0; h < m.heads; ++h) {
      nlohmann::json rows = nlohmann::json::array();
      for (int64_t i = 0; i < m.rows; ++i) {
        std::vector<float> row(m.weights.begin() + long((h * m.rows + i) * m.cols),
                               m.weights.begin() + long((h * m.rows + i + 1) * m.cols));
        rows.push_back(row);
      }
      heads.push_back(rows);
    }
    att[m.name] = heads;
  }
  j["attention"] = att;
  j["timings_ms"] = {{"prepare", r.timings.prepare_ms},
                     {"fusion", r.timings.fusion_ms},
                     {"score", r.timings.score_ms},
                     {"generate", r.timings.generate_ms},
                     {"total", r.timings.total_ms}};
  // The generated answer is decoded model output: byte-fallback pieces may stop inside a UTF-8
  // sequence, so invalid bytes are replaced (U+FFFD) rather than failing the whole result.
  return j.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string cuda_device_name() { return cuda_available() ? device_description("cuda") : std::string(); }

}  // namespace tmf
