#include "train/backbone.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <unordered_map>

#include "data/split.h"
#include "llm/generate.h"
#include "llm/tokenizer.h"
#include "llm/tokenizer_train.h"
#include "prompt/hybrid_prompt.h"
#include "tmf/tmf_example.h"
#include "train/tmf_tuning.h"
#include "util/error.h"
#include "util/rng.h"

namespace tmf {

std::vector<std::string> backbone_corpus(const Dataset& ds, const BackboneOptions& o) {
  std::vector<std::string> corpus;
  for (auto& it : ds.items()) corpus.push_back(it.text());
  auto rows = training_rows(ds, o.split);
  if (rows.empty() || o.prompts <= 0) return corpus;
  NameBook names = NameBook::of(ds);
  std::vector<int64_t> catalog;
  for (auto& [id, name] : names.items) catalog.push_back(id);
  std::sort(catalog.begin(), catalog.end());
  auto seen = items_seen_by_user(ds);
  Rng rng(o.seed);
  const int64_t target = ds.target_behavior().id;
  const int negatives = int(std::min<size_t>(10, catalog.size() / 2));
  for (int p = 0; p < o.prompts; ++p) {
    const SplitRow& row = rows[rng.below(rows.size())];
    TmfExample ex = training_example(row, target, catalog, seen[row.user_id], negatives, rng);
    if (o.prompt_history > 0 && int64_t(ex.history_items.size()) > o.prompt_history) {
      const long drop = long(ex.history_items.size()) - long(o.prompt_history);
      ex.history_items.erase(ex.history_items.begin(), ex.history_items.begin() + drop);
      ex.history_behaviors.erase(ex.history_behaviors.begin(), ex.history_behaviors.begin() + drop);
    }
    HybridPrompt prompt = build_prompt(prompt_input(ex, names), Task::Easy, int(rng.below(kNumPromptTemplates)));
    corpus.push_back(prompt.render() + " " + names.item(row.target_item_id));
  }
  return corpus;
}

BackboneResult build_backbone(const std::vector<std::string>& corpus, const BackboneOptions& o,
                              const std::string& out_dir, const Progress& progress) {
  TMF_CHECK(!corpus.empty(), "the backbone corpus is empty");
  auto t0 = std::chrono::steady_clock::now();
  std::filesystem::create_directories(out_dir);
  BackboneResult res;
  res.tokenizer_path = out_dir + "/tokenizer.model";
  res.dir = out_dir + "/backbone";
  TrainOptions to;
  to.vocab_size = o.vocab_size;
  to.user_defined_symbols = {kItemToken, kBehaviorToken};
  to.hard_vocab_limit = false;
  to.random_seed = unsigned(o.seed);
  progress.report("backbone:tokenizer", 0, 1);
  train_tokenizer(corpus, to, res.tokenizer_path, progress);
  Tokenizer tok = Tokenizer::load(res.tokenizer_path);

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
  c.validate("default backbone");
  torch::manual_seed(o.seed);
  Llama model = make_random_llama(c, o.seed);
  model->train();

  // Tokenize once; each step draws a batch of texts.
  std::vector<std::vector<int64_t>> seqs;
  for (auto& text : corpus) {
    std::vector<int64_t> s{tok.bos_id()};
    for (int id : tok.encode(text)) s.push_back(id);
    s.push_back(tok.eos_id());
    if (int64_t(s.size()) > o.max_tokens) s.resize(size_t(o.max_tokens));
    if (s.size() >= 3) seqs.push_back(std::move(s));
  }
  TMF_CHECK(!seqs.empty(), "the backbone corpus has no usable text");
  torch::optim::Adam opt(model->parameters(), torch::optim::AdamOptions(o.lr));
  TuneOptions sched;
  sched.steps = o.steps;
  sched.lr = o.lr;
  Rng rng(o.seed ^ 0x5eed);
  for (int64_t step = 0; step < o.steps; ++step) {
    std::vector<std::vector<int64_t>> batch;
    for (int64_t b = 0; b < o.batch; ++b) batch.push_back(seqs[rng.below(seqs.size())]);
    PaddedBatch pb = left_pad(batch, /*pad_id=*/0);
    auto logits = model->forward(pb.ids, pb.mask);  // (B, T, V)
    auto V = logits.size(-1);
    auto target = pb.ids.slice(1, 1).masked_fill(pb.mask.slice(1, 1) == 0, -100);
    auto loss = torch::nn::functional::cross_entropy(
        logits.slice(1, 0, logits.size(1) - 1).reshape({-1, V}), target.reshape({-1}),
        torch::nn::functional::CrossEntropyFuncOptions().ignore_index(-100));
    opt.zero_grad();
    loss.backward();
    torch::nn::utils::clip_grad_norm_(model->parameters(), 1.0);
    for (auto& g : opt.param_groups()) static_cast<torch::optim::AdamOptions&>(g.options()).lr(tuning_lr(sched, step));
    opt.step();
    res.losses.push_back(loss.item<double>());
    progress.report("backbone:warm-up", double(step + 1), double(o.steps),
                    "loss " + std::to_string(res.losses.back()).substr(0, 6));
  }
  model->eval();
  save_llama(*model, res.dir);
  res.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return res;
}

}  // namespace tmf
