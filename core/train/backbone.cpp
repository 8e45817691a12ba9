#include "train/backbone.h"

#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <optional>
#include <unordered_map>

#include "data/split.h"
#include "llm/answer_loss.h"
#include "llm/copy_head.h"
#include "llm/tokenizer.h"
#include "llm/tokenizer_train.h"
#include "prompt/hybrid_prompt.h"
#include "tmf/tmf_example.h"
#include "train/example_sampler.h"
#include "train/tmf_tuning.h"
#include "util/error.h"
#include "util/rng.h"
#include "util/strings.h"

namespace tmf {
namespace {

// The last `keep` history steps (all when keep <= 0).
void keep_last(TmfExample& ex, int64_t keep) {
  if (keep <= 0 || int64_t(ex.history_items.size()) <= keep) return;
  const long drop = long(ex.history_items.size()) - long(keep);
  ex.history_items.erase(ex.history_items.begin(), ex.history_items.begin() + drop);
  ex.history_behaviors.erase(ex.history_behaviors.begin(), ex.history_behaviors.begin() + drop);
}

// What drawing text-only training prompts needs, built once: names, the sorted catalog, each
// user's seen items and the number of negatives the catalog allows. `sampler` is empty when the
// split has no training rows.
struct PromptSource {
  NameBook names;
  std::vector<int64_t> catalog;
  std::unordered_map<int64_t, std::vector<int64_t>> seen;
  std::vector<SplitRow> rows;
  int negatives = 0;
  std::optional<ExampleSampler> sampler;
  PromptSource(const Dataset& ds, const BackboneOptions& o)
      : names(NameBook::of(ds)), seen(items_seen_by_user(ds)), rows(training_rows(ds, o.split)) {
    for (auto& [id, name] : names.items) catalog.push_back(id);
    std::sort(catalog.begin(), catalog.end());
    negatives = int(std::min<size_t>(size_t(o.negatives), catalog.size() / 2));
    if (!rows.empty()) sampler.emplace(rows, catalog, seen, ds.target_behavior().id, negatives);
  }
  PromptSource(const PromptSource&) = delete;  // the sampler refers to rows, catalog and seen
  // The answer text of an example's truth, in the prompt's form.
  std::string answer(const TmfExample& ex, bool kinds) const {
    const int64_t truth = ex.candidates[size_t(ex.truth)];
    return kinds ? answer_form(names.kind(truth), names.item(truth)) : names.item(truth);
  }
};

// Rows of token ids and labels (-100: no loss), left-padded into a batch.
struct LabelledBatch {
  torch::Tensor ids, mask, labels;  // (B, T) int64 each
};
LabelledBatch pad_rows(const std::vector<std::vector<int64_t>>& ids, const std::vector<std::vector<int64_t>>& labels) {
  const int64_t B = int64_t(ids.size());
  int64_t T = 0;
  for (auto& r : ids) T = std::max<int64_t>(T, int64_t(r.size()));
  LabelledBatch out{torch::zeros({B, T}, torch::kInt64), torch::zeros({B, T}, torch::kInt64),
                    torch::full({B, T}, -100, torch::kInt64)};
  auto ia = out.ids.accessor<int64_t, 2>(), ma = out.mask.accessor<int64_t, 2>(), la = out.labels.accessor<int64_t, 2>();
  for (int64_t b = 0; b < B; ++b) {
    const int64_t off = T - int64_t(ids[size_t(b)].size());
    for (size_t t = 0; t < ids[size_t(b)].size(); ++t) {
      ia[b][off + int64_t(t)] = ids[size_t(b)][t];
      ma[b][off + int64_t(t)] = 1;
      la[b][off + int64_t(t)] = labels[size_t(b)][t];
    }
  }
  return out;
}

// The copy tasks, on names no item has (word k of a novel name is word k of a random item's name:
// the catalog's shapes and words in new combinations), so that only copying from the prompt
// lowers their loss, recalling the catalog does not:
//   cued     "Candidates: Tablet: <name>, Phone Case: <name>, ... Which one is a Tablet? Answer:"
//            (kinds are the catalog's most specific categories, distinct within a list)
//   repeat   "Candidates: <name>, <name>, ... The same items again:" answered by the whole list
//            (a dense copying signal; the task of datasets without categories)
class CopyTask {
 public:
  CopyTask(const Dataset& ds, int size, bool kinds) : size_(std::max(2, size)) {
    for (auto& it : ds.items()) {
      std::vector<std::string> w;
      for (auto& part : split(it.name, ' '))
        if (!part.empty()) w.emplace_back(part);
      if (!w.empty()) words_.push_back(std::move(w));
      if (kinds) kinds_.push_back(item_kind(it.categories));
    }
    std::sort(kinds_.begin(), kinds_.end());
    kinds_.erase(std::unique(kinds_.begin(), kinds_.end()), kinds_.end());
    kinds_.erase(std::remove(kinds_.begin(), kinds_.end(), std::string()), kinds_.end());
  }
  bool usable() const { return !words_.empty(); }
  std::string novel_name(Rng& rng) const {
    const auto& shape = words_[rng.below(words_.size())];
    std::string out;
    for (size_t k = 0; k < shape.size(); ++k) {
      const std::string* w = &shape[k];
      for (int tries = 0; tries < 4; ++tries) {
        const auto& other = words_[rng.below(words_.size())];
        if (other.size() > k) {
          w = &other[k];
          break;
        }
      }
      out += (k ? " " : "") + *w;
    }
    return out;
  }
  struct Draw {
    std::string prompt, answer;
  };
  // Prompt text and answer text; `repeat` picks the repeat task (always, without kinds).
  Draw draw(Rng& rng, bool repeat) const {
    std::string prompt = "Candidates: ", answer;
    if (repeat || kinds_.size() < 2) {
      for (int c = 0; c < size_; ++c) {
        const std::string name = novel_name(rng);
        prompt += (c ? ", " : "") + name;
        answer += (c ? ", " : "") + name;
      }
      return {prompt + ". The same items again:", answer};
    }
    std::vector<std::string> kinds = kinds_;
    rng.shuffle(kinds);
    kinds.resize(std::min(kinds.size(), size_t(size_)));
    const size_t cue = rng.below(kinds.size());
    for (size_t c = 0; c < kinds.size(); ++c) {
      const std::string written = answer_form(kinds[c], novel_name(rng));
      prompt += (c ? ", " : "") + written;
      if (c == cue) answer = written;
    }
    return {prompt + ". Which one is a " + kinds[cue] + "? Answer:", answer};
  }

 private:
  std::vector<std::vector<std::string>> words_;  // of each item's name
  std::vector<std::string> kinds_;               // distinct, when candidates carry kinds
  int size_;
};

}  // namespace

std::vector<std::string> backbone_corpus(const Dataset& ds, const BackboneOptions& o) {
  std::vector<std::string> corpus;
  for (auto& it : ds.items()) corpus.push_back(it.text());
  if (o.prompts <= 0) return corpus;
  PromptSource src(ds, o);
  if (!src.sampler) return corpus;
  Rng rng(o.seed);
  for (int p = 0; p < o.prompts; ++p) {
    TmfExample ex = src.sampler->next(rng);
    keep_last(ex, o.prompt_history);
    HybridPrompt prompt =
        build_prompt(prompt_input(ex, src.names, o.candidate_kinds), Task::Easy, int(rng.below(kNumPromptTemplates)));
    corpus.push_back(prompt.render() + " " + src.answer(ex, o.candidate_kinds));
  }
  return corpus;
}

BackboneResult build_backbone(const Dataset& ds, const std::vector<std::string>& corpus, const BackboneOptions& o,
                              const std::string& out_dir, const Progress& progress) {
  TMF_CHECK(!corpus.empty(), "the backbone corpus is empty");
  TMF_CHECK(o.steps >= 0 && o.batch > 0, "backbone warm-up needs steps >= 0 and batch > 0 (got ", o.steps, ", ", o.batch,
            ")");
  auto t0 = std::chrono::steady_clock::now();
  std::filesystem::create_directories(out_dir);
  BackboneResult res;
  res.tokenizer_path = out_dir + "/tokenizer.model";
  res.dir = out_dir + "/backbone";
  TrainOptions to;
  to.vocab_size = o.vocab_size;
  to.user_defined_symbols = {kItemToken, kBehaviorToken};
  to.hard_vocab_limit = false;
  to.split_digits = o.split_digits;
  to.random_seed = unsigned(o.seed);
  progress.report("backbone:tokenizer", 0, 1);
  train_tokenizer(corpus, to, res.tokenizer_path, progress);
  Tokenizer tok = Tokenizer::load(res.tokenizer_path);
  const int item_token = tok.add_special_token(kItemToken), behavior_token = tok.add_special_token(kBehaviorToken);

  LlamaConfig c;
  c.vocab_size = tok.vocab_size();
  c.hidden_size = o.hidden;
  c.intermediate_size = o.intermediate;
  c.num_hidden_layers = o.layers;
  c.num_attention_heads = o.heads;
  c.num_key_value_heads = o.kv_heads;
  c.head_dim = o.hidden / o.heads;
  c.max_position_embeddings = std::max<int64_t>(2048, o.max_tokens + 64);
  c.bos_token_id = tok.bos_id();
  c.eos_token_ids = {tok.eos_id()};
  c.rms_norm_eps = 1e-5;
  c.tie_word_embeddings = o.tie_embeddings;
  c.copy_head_dim = o.copy_head;
  c.validate("default backbone");
  torch::manual_seed(o.seed);
  Llama model = make_random_llama(c, o.seed);
  model->train();

  // Item texts for the LM steps, tokenized once.
  std::vector<std::vector<int64_t>> texts;
  for (auto& it : ds.items()) {
    std::vector<int64_t> s{tok.bos_id()};
    for (int id : tok.encode(it.text())) s.push_back(id);
    s.push_back(tok.eos_id());
    if (int64_t(s.size()) > o.max_tokens) s.resize(size_t(o.max_tokens));
    if (s.size() >= 3) texts.push_back(std::move(s));
  }
  // Text-only training prompts, drawn on the fly.
  PromptSource src(ds, o);
  auto& sampler = src.sampler;
  TMF_CHECK(sampler || !texts.empty(), "the backbone warm-up has neither training prompts nor item texts");
  const CopyTask copy(ds, src.negatives + 1, o.candidate_kinds);

  torch::optim::Adam opt(model->parameters(), torch::optim::AdamOptions(o.lr));
  TuneOptions sched;
  sched.steps = std::max<int64_t>(1, o.steps);
  sched.lr = o.lr;
  Rng rng(o.seed ^ 0x5eed);
  for (int64_t step = 0; step < o.steps; ++step) {
    const bool text_step = !sampler || (o.text_every > 0 && !texts.empty() && step % o.text_every == o.text_every - 1);
    std::vector<std::vector<int64_t>> ids, labels;
    for (int64_t b = 0; b < o.batch; ++b) {
      if (text_step) {
        const auto& s = texts[rng.below(texts.size())];
        ids.push_back(s);
        labels.push_back(s);
        labels.back()[0] = -100;  // BOS is never predicted
        continue;
      }
      std::vector<int64_t> r{tok.bos_id()};
      std::string answer;
      if (copy.usable() && rng.uniform() < o.copy_share) {
        auto d = copy.draw(rng, rng.uniform() < o.copy_repeat);
        for (int id : tok.encode(d.prompt)) r.push_back(id);
        answer = d.answer;
      } else {
        TmfExample ex = sampler->next(rng);
        keep_last(ex, o.prompt_history);
        HybridPrompt p =
            build_prompt(prompt_input(ex, src.names, o.candidate_kinds), Task::Easy, int(rng.below(kNumPromptTemplates)));
        TokenizedPrompt tp = tokenize_prompt(p, tok, item_token, behavior_token);
        r.assign(tp.ids.begin(), tp.ids.end());
        answer = src.answer(ex, o.candidate_kinds);
      }
      std::vector<int64_t> l(r.size(), -100);
      for (int id : tok.encode(answer)) {
        r.push_back(id);
        l.push_back(id);
      }
      r.push_back(tok.eos_id());
      l.push_back(tok.eos_id());
      ids.push_back(std::move(r));
      labels.push_back(std::move(l));
    }
    LabelledBatch lb = pad_rows(ids, labels);
    // Prompt steps copy from their prompts; item-text steps have nothing to copy from.
    CopyInputs copy_in;
    if (!text_step) copy_in.ids = prompt_copy_ids(lb.ids, lb.mask, lb.labels);
    auto loss = answer_loss(*model, model->embed(lb.ids), lb.mask, lb.labels, copy_in);
    opt.zero_grad();
    loss.backward();
    if (o.clip_norm > 0) torch::nn::utils::clip_grad_norm_(model->parameters(), o.clip_norm);
    for (auto& g : opt.param_groups()) static_cast<torch::optim::AdamOptions&>(g.options()).lr(tuning_lr(sched, step));
    opt.step();
    res.losses.push_back(loss.item<double>());
    progress.report("backbone:warm-up", double(step + 1), double(o.steps),
                    std::string(text_step ? "text" : "prompts") + " loss " + std::to_string(res.losses.back()).substr(0, 6));
  }
  model->eval();
  save_llama(*model, res.dir);
  res.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return res;
}

}  // namespace tmf
