// tmf bench tmf: full TMF (fusion + adaptors + hybrid prompts + Llama with LoRA) on random weights
// and random item features, at the shapes of the paper: one training step (forward + backward +
// Adam on LoRA, fusion and adaptors) and batched greedy inference. Default: a Llama-2-7B-shaped
// bf16 backbone with LoRA r 8 on CUDA; --small runs a 4-layer hidden-256 model (e.g. on CPU).
// Prints tokens/s, sequences/s and peak CUDA memory.
#include <chrono>
#include <cstdio>

#include <torch/cuda.h>
#include <torch/torch.h>
#include <torch/version.h>
#if TORCH_VERSION_MAJOR >= 2 && __has_include(<c10/cuda/CUDACachingAllocator.h>)
#include <c10/cuda/CUDACachingAllocator.h>
#define TMF_HAVE_CUDA_ALLOC_STATS 1
#endif

#include "command.h"
#include "llm/device.h"
#include "llm/lora.h"
#include "tmf/tmf_model.h"
#include "util/error.h"
#include "util/rng.h"

namespace {

using Clock = std::chrono::steady_clock;
double since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }
void sync(const torch::Device& d) {
  if (d.is_cuda()) torch::cuda::synchronize();
}

double peak_gib(const torch::Device& d) {
#ifdef TMF_HAVE_CUDA_ALLOC_STATS
  if (d.is_cuda()) {
    auto stats = c10::cuda::CUDACachingAllocator::getDeviceStats(d.index() < 0 ? 0 : d.index());
    return double(stats.allocated_bytes[0].peak) / (1 << 30);
  }
#endif
  return 0;
}

const tmf::cli::Spec spec =
    tmf::cli::Spec("bench tmf", "full TMF training step and batched inference on random weights (7B-shaped on CUDA)")
        .describe(
            "Fusion + adaptors + hybrid prompts + Llama with LoRA on random weights and random item features: one "
            "training step (forward, backward, Adam on LoRA, fusion and adaptors) and batched greedy inference. "
            "Prints tokens/s, sequences/s and peak CUDA memory.")
        .required("tokenizer", "FILE", "SentencePiece tokenizer.model for the prompts")
        .flag("small", "a 4-layer hidden-256 backbone instead of the Llama-2-7B shape (for CPU)")
        .device("auto")
        .integer("train-batch", "8", 1, 1 << 20, "sequences per training step")
        .integer("batch", "64", 1, 1 << 20, "sequences per inference batch")
        .integer("history", "20", 1, 100000, "history steps per sequence")
        .integer("max-new-tokens", "16", 1, 100000, "tokens generated per answer")
        .integer("lora-r", "8", 1, 4096, "LoRA rank")
        .example("tmf bench tmf --tokenizer models/demo/backbone/tokenizer.model --small --device cpu");

int run_bench_tmf(tmf::cli::Args& a) {
  using namespace tmf;
  const std::string tokenizer = a.req("tokenizer");
  const bool small = a.flag("small");
  const std::string device = resolve_device(a.get("device"));
  const int64_t train_batch = a.get_int("train-batch"), infer_batch = a.get_int("batch");
  const int64_t history = a.get_int("history"), new_tokens = a.get_int("max-new-tokens");
  const int64_t rank = a.get_int("lora-r");
  init_torch_threads();
  torch::Device dev(device);
  LlamaConfig c;
  if (small) {
    c.num_hidden_layers = 4, c.hidden_size = 256, c.num_attention_heads = 8, c.num_key_value_heads = 8;
    c.intermediate_size = 688, c.vocab_size = 8000;
  } else {
    c.num_hidden_layers = 32, c.hidden_size = 4096, c.num_attention_heads = 32, c.num_key_value_heads = 32;
    c.intermediate_size = 11008, c.vocab_size = 32000;
  }
  c.head_dim = c.hidden_size / c.num_attention_heads;
  c.max_position_embeddings = 4096;
  c.bos_token_id = 1;
  c.eos_token_ids = {2};
  const auto dtype = dev.is_cuda() ? torch::kBFloat16 : torch::kFloat32;
  auto t0 = Clock::now();
  Llama llm = make_random_llama(c, 1, torch::TensorOptions().dtype(dtype).device(dev));
  LoraConfig lc;
  lc.r = rank;
  lc.alpha = 32;
  lc.target_modules = {"q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"};
  add_lora(*llm, lc);
  auto params = freeze_all_but_lora(*llm);
  std::printf("backbone: %lld layers, hidden %lld, %s on %s, LoRA r %lld (%zu adapter tensors), built in %.1f s\n",
              (long long)c.num_hidden_layers, (long long)c.hidden_size, dev.is_cuda() ? "bf16" : "fp32",
              device_description(device).c_str(), (long long)rank, params.size(), since(t0));

  // A synthetic catalog: 2000 items with CLIP-like 512-d image/text and 64-d graph embeddings.
  const int64_t n_items = 2000;
  ItemFeatures feats;
  NameBook names;
  for (int64_t i = 0; i < n_items; ++i) {
    feats.item_row[i] = i;
    names.items[i] = "Brand" + std::to_string(i % 37) + " Model " + std::to_string(i) + " Item";
  }
  names.behaviors = {{0, "view"}, {1, "add to cart"}, {2, "purchase"}};
  feats.behavior_row = {{0, 0}, {1, 1}, {2, 2}};
  feats.image = torch::randn({n_items, 512});
  feats.text = torch::randn({n_items, 512});
  feats.graph = torch::randn({n_items, 64});
  feats.behavior = torch::randn({3, 64});
  TmfModel model(llm, Tokenizer::load(tokenizer), feats, names, AblationLevel::Cma, /*fusion_heads=*/2);
  for (auto& p : model.heads()->parameters()) params.push_back(p);
  Rng rng(7);
  auto examples = [&](int64_t n) {
    std::vector<TmfExample> out;
    for (int64_t e = 0; e < n; ++e) {
      TmfExample ex;
      for (int64_t t = 0; t < history; ++t) {
        ex.history_items.push_back(int64_t(rng.below(n_items)));
        ex.history_behaviors.push_back(int64_t(rng.below(3)));
      }
      ex.target_behavior = 2;
      for (int k = 0; k < 11; ++k) ex.candidates.push_back(int64_t(rng.below(n_items)));
      ex.truth = int(rng.below(11));
      out.push_back(ex);
    }
    return out;
  };
  torch::optim::Adam opt(params, torch::optim::AdamOptions(1e-4));
  // Training step (first one warms up).
  double train_s = 0;
  int64_t train_tokens = 0;
  for (int r = 0; r < 3; ++r) {
    auto ex = examples(train_batch);
    sync(dev);
    auto t = Clock::now();
    opt.zero_grad();
    TmfBatch b = model.build(ex, Task::Hard, std::vector<int>(size_t(train_batch), r % kNumPromptTemplates), true);
    auto loss = model.loss(b);
    loss.backward();
    opt.step();
    sync(dev);
    if (r > 0) {
      train_s += since(t);
      train_tokens += b.mask.sum().item<int64_t>();
    }
    if (r == 0) std::printf("training step: prompt length %lld tokens, loss %.3f\n", (long long)b.embeds.size(1), loss.item<double>());
  }
  std::printf("training: batch %lld, %.3f s/step, %.0f tokens/s, %.1f sequences/s, peak %.1f GiB\n",
              (long long)train_batch, train_s / 2, double(train_tokens) / train_s, 2.0 * double(train_batch) / train_s,
              peak_gib(dev));
  // Batched inference: build (fusion + adaptors + embeddings) and greedy decoding.
  torch::NoGradGuard ng;
  double infer_s = 0;
  int64_t prompt_tokens = 0;
  for (int r = 0; r < 2; ++r) {
    auto ex = examples(infer_batch);
    sync(dev);
    auto t = Clock::now();
    TmfBatch b = model.build(ex, Task::Hard, std::vector<int>(size_t(infer_batch), 0), false);
    auto answers = model.generate(b, new_tokens);
    sync(dev);
    if (r > 0) {
      infer_s = since(t);
      prompt_tokens = b.mask.sum().item<int64_t>();
    }
  }
  std::printf("inference: batch %lld, %lld prompt tokens + up to %lld new each: %.3f s, %.1f sequences/s, "
              "%.0f prompt tokens/s, peak %.1f GiB\n",
              (long long)infer_batch, (long long)prompt_tokens, (long long)new_tokens, infer_s,
              double(infer_batch) / infer_s, double(prompt_tokens) / infer_s, peak_gib(dev));
  return 0;
}

tmf::cli::Register reg(spec,
                       run_bench_tmf);

}  // namespace
