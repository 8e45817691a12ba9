// tmf bench llm: throughput of the Llama backbone with random weights.
//   CPU: a small backbone (default 4 layers, hidden 256, 8 heads, vocab 8000, fp32): prefill and
//        decode tokens/s.
//   CUDA (when present, unless --no-cuda): a Llama-2-7B-shaped bf16 model (hidden 4096, 32 layers,
//        32 heads, intermediate 11008, vocab 32000): prefill time for --prompt-len tokens, decode
//        ms/token at each --batch, peak memory, and the decode step against its bandwidth bound
//        ((weight bytes + KV bytes read per step) / bandwidth; bandwidth measured with a device copy
//        unless --bandwidth-gbs is given).
// Shape options (--cuda-layers, --cuda-hidden, ...) shrink the runs. Decode steps feed the argmax
// back (greedy) and are timed after a warm-up step.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>

#include <torch/cuda.h>
#include <torch/torch.h>
#include <torch/version.h>
#if TORCH_VERSION_MAJOR >= 2 && __has_include(<c10/cuda/CUDACachingAllocator.h>)
#include <c10/cuda/CUDACachingAllocator.h>
#define TMF_HAVE_CUDA_ALLOC_STATS 1
#endif

#include "command.h"
#include "llm/device.h"
#include "llm/llama.h"
#include "util/error.h"
#include "util/strings.h"

namespace {

using Clock = std::chrono::steady_clock;

void sync(const torch::Device& d) {
  if (d.is_cuda()) torch::cuda::synchronize();
}

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

struct Shape {
  int64_t layers, hidden, heads, kv_heads, intermediate, vocab;
};

tmf::LlamaConfig make_config(const Shape& s) {
  tmf::LlamaConfig c;
  c.num_hidden_layers = s.layers;
  c.hidden_size = s.hidden;
  c.num_attention_heads = s.heads;
  c.num_key_value_heads = s.kv_heads;
  c.head_dim = s.hidden / s.heads;
  c.intermediate_size = s.intermediate;
  c.vocab_size = s.vocab;
  c.max_position_embeddings = 4096;
  c.eos_token_ids = {2};
  c.bos_token_id = 1;
  return c;
}

// Prefill of (batch, T) random ids; returns seconds (best of `repeat`).
double time_prefill(tmf::LlamaImpl& m, int64_t batch, int64_t T, int repeat) {
  auto dev = m.device();
  auto ids = torch::randint(3, m.config.vocab_size, {batch, T}, torch::kLong).to(dev);
  double best = 1e30;
  for (int r = 0; r < repeat + 1; ++r) {  // first run is a warm-up
    sync(dev);
    auto t0 = Clock::now();
    auto logits = m.forward(ids);
    sync(dev);
    if (r > 0) best = std::min(best, seconds_since(t0));
  }
  return best;
}

// Greedy decode of `steps` tokens after a `T`-token prompt at `batch`; returns seconds per step.
double time_decode(tmf::LlamaImpl& m, int64_t batch, int64_t T, int64_t steps) {
  auto dev = m.device();
  auto ids = torch::randint(3, m.config.vocab_size, {batch, T}, torch::kLong).to(dev);
  tmf::KvCache cache = m.make_cache(T + steps + 1);
  auto next = m.forward(ids, {}, &cache).select(1, T - 1).argmax(-1).view({batch, 1});
  next = m.forward(next, {}, &cache).select(1, 0).argmax(-1).view({batch, 1});  // warm-up step
  sync(dev);
  auto t0 = Clock::now();
  for (int64_t s = 0; s < steps; ++s) next = m.forward(next, {}, &cache).select(1, 0).argmax(-1).view({batch, 1});
  sync(dev);
  return seconds_since(t0) / static_cast<double>(steps);
}

double weight_bytes(const tmf::LlamaImpl& m) {
  double b = 0;
  for (const auto& p : m.parameters()) b += static_cast<double>(p.numel()) * p.element_size();
  return b;
}

// Device-to-device copy bandwidth (read + write bytes / s).
double measure_bandwidth(const torch::Device& dev) {
  auto a = torch::empty({int64_t(1) << 29}, torch::TensorOptions().dtype(torch::kFloat32).device(dev));  // 2 GiB
  auto b = torch::empty_like(a);
  b.copy_(a);
  sync(dev);
  const int n = 10;
  auto t0 = Clock::now();
  for (int i = 0; i < n; ++i) b.copy_(a);
  sync(dev);
  return 2.0 * static_cast<double>(a.numel()) * 4 * n / seconds_since(t0);
}

void reset_peak(const torch::Device& dev) {
#ifdef TMF_HAVE_CUDA_ALLOC_STATS
  c10::cuda::CUDACachingAllocator::resetPeakStats(dev.index() < 0 ? 0 : dev.index());
#endif
}
double peak_gib(const torch::Device& dev) {
#ifdef TMF_HAVE_CUDA_ALLOC_STATS
  auto st = c10::cuda::CUDACachingAllocator::getDeviceStats(dev.index() < 0 ? 0 : dev.index());
  return static_cast<double>(
             st.allocated_bytes[static_cast<size_t>(c10::CachingAllocator::StatType::AGGREGATE)].peak) /
         (1024.0 * 1024 * 1024);
#else
  return -1;
#endif
}

std::vector<int64_t> parse_list(const std::string& s, const char* what) {
  std::vector<int64_t> out;
  for (auto p : tmf::split(s, ',')) {
    long long v;
    TMF_CHECK(tmf::parse_int64(p, v) && v > 0, "--", what, ": '", std::string(p), "' is not a positive integer");
    out.push_back(v);
  }
  return out;
}

const tmf::cli::Spec spec =
    tmf::cli::Spec("bench llm", "Llama backbone throughput on random weights: CPU small model, CUDA 7B-shaped bf16")
        .describe(
            "CPU: prefill and decode tokens/s of a small fp32 backbone. CUDA (when present): a Llama-2-7B-shaped "
            "bf16 model: prefill time, decode ms/token at each --batch, peak memory, and the decode step against "
            "its bandwidth bound. Decode steps feed the argmax back and are timed after a warm-up step.")
        .integer("cpu-layers", "4", 1, 4096, "CPU model: layers")
        .integer("cpu-hidden", "256", 1, 1 << 20, "CPU model: hidden size")
        .integer("cpu-heads", "8", 1, 4096, "CPU model: attention heads")
        .integer("cpu-kv-heads", "8", 1, 4096, "CPU model: key/value heads")
        .integer("cpu-intermediate", "688", 1, 1 << 22, "CPU model: MLP intermediate size")
        .integer("cpu-vocab", "8000", 1, 1 << 24, "CPU model: vocabulary size")
        .integer("cpu-prompt-len", "128", 1, 1 << 20, "CPU: prompt tokens prefilled")
        .integer("cpu-decode-tokens", "64", 1, 1 << 20, "CPU: tokens decoded")
        .text("cpu-batch", "LIST", "1,8", "CPU: comma-separated batch sizes")
        .integer("cuda-layers", "32", 1, 4096, "CUDA model: layers")
        .integer("cuda-hidden", "4096", 1, 1 << 20, "CUDA model: hidden size")
        .integer("cuda-heads", "32", 1, 4096, "CUDA model: attention heads")
        .integer("cuda-kv-heads", "32", 1, 4096, "CUDA model: key/value heads")
        .integer("cuda-intermediate", "11008", 1, 1 << 22, "CUDA model: MLP intermediate size")
        .integer("cuda-vocab", "32000", 1, 1 << 24, "CUDA model: vocabulary size")
        .integer("prompt-len", "512", 1, 1 << 20, "CUDA: prompt tokens prefilled")
        .integer("decode-tokens", "32", 1, 1 << 20, "CUDA: tokens decoded")
        .text("batch", "LIST", "1,32", "CUDA: comma-separated batch sizes")
        .number("bandwidth-gbs", "0", 0, 1e9, "memory bandwidth in GB/s for the bound (0: measure it with a device copy)")
        .flag("no-cpu", "skip the CPU runs")
        .flag("no-cuda", "skip the CUDA runs")
        .integer("repeat", "3", 1, 1000000, "timed repetitions (the best is printed)")
        .example("tmf bench llm --no-cuda --cpu-batch 1")
        .example("tmf bench llm --no-cpu --cuda-layers 4 --batch 1,8");

int run_bench(tmf::cli::Args& args) {
  tmf::init_torch_threads();
  Shape cpu{args.get_int("cpu-layers"), args.get_int("cpu-hidden"), args.get_int("cpu-heads"),
            args.get_int("cpu-kv-heads"), args.get_int("cpu-intermediate"), args.get_int("cpu-vocab")};
  const int64_t cpu_prompt = args.get_int("cpu-prompt-len");
  const int64_t cpu_steps = args.get_int("cpu-decode-tokens");
  const auto cpu_batches = parse_list(args.get("cpu-batch"), "cpu-batch");
  Shape gpu{args.get_int("cuda-layers"), args.get_int("cuda-hidden"), args.get_int("cuda-heads"),
            args.get_int("cuda-kv-heads"), args.get_int("cuda-intermediate"),
            args.get_int("cuda-vocab")};
  const int64_t gpu_prompt = args.get_int("prompt-len");
  const int64_t gpu_steps = args.get_int("decode-tokens");
  const auto gpu_batches = parse_list(args.get("batch"), "batch");
  const double bw_given = args.get_double("bandwidth-gbs");
  const bool no_cpu = args.flag("no-cpu");
  const bool no_cuda = args.flag("no-cuda");
  const int repeat = static_cast<int>(args.get_int("repeat"));
  torch::NoGradGuard ng;

  if (!no_cpu) {
    auto m = tmf::make_random_llama(make_config(cpu), /*seed=*/1);
    m->eval();
    std::printf("CPU (%d threads), fp32, %lld layers, hidden %lld, %lld heads, vocab %lld, %.1f M params\n",
                torch::get_num_threads(), (long long)cpu.layers, (long long)cpu.hidden, (long long)cpu.heads,
                (long long)cpu.vocab, weight_bytes(*m) / 4 / 1e6);
    double tp = time_prefill(*m, 1, cpu_prompt, repeat);
    std::printf("  prefill %lld tokens: %.2f ms = %.0f tokens/s\n", (long long)cpu_prompt, tp * 1e3, cpu_prompt / tp);
    for (int64_t b : cpu_batches) {
      double td = time_decode(*m, b, cpu_prompt, cpu_steps);
      std::printf("  decode batch %lld (after %lld-token prompt): %.2f ms/step = %.0f tokens/s\n", (long long)b,
                  (long long)cpu_prompt, td * 1e3, b / td);
    }
  }

  if (!no_cuda && tmf::cuda_available()) {
    torch::Device dev("cuda");
    const auto opts = torch::TensorOptions().dtype(torch::kBFloat16).device(dev);
    auto t0 = Clock::now();
    auto m = tmf::make_random_llama(make_config(gpu), /*seed=*/1, opts);
    m->eval();
    sync(dev);
    const double wbytes = weight_bytes(*m);
    std::printf("%s, bf16, %lld layers, hidden %lld, %lld heads, intermediate %lld, vocab %lld: %.2f B params, "
                "%.2f GiB weights (init %.1f s)\n",
                tmf::device_description("cuda").c_str(), (long long)gpu.layers, (long long)gpu.hidden,
                (long long)gpu.heads, (long long)gpu.intermediate, (long long)gpu.vocab, wbytes / 2 / 1e9,
                wbytes / (1024.0 * 1024 * 1024), seconds_since(t0));
    const double bw = bw_given > 0 ? bw_given * 1e9 : measure_bandwidth(dev);
    std::printf("  bandwidth %s: %.0f GB/s\n", bw_given > 0 ? "given" : "measured (device copy)", bw / 1e9);
    reset_peak(dev);
    double tp = time_prefill(*m, 1, gpu_prompt, repeat);
    std::printf("  prefill %lld tokens (batch 1): %.2f ms = %.0f tokens/s, peak memory %.2f GiB\n",
                (long long)gpu_prompt, tp * 1e3, gpu_prompt / tp, peak_gib(dev));
    const int64_t kv_per_token = 2 * gpu.layers * gpu.kv_heads * (gpu.hidden / gpu.heads) * 2;  // bytes, bf16
    for (int64_t b : gpu_batches) {
      reset_peak(dev);
      double td = time_decode(*m, b, gpu_prompt, gpu_steps);
      const double kv_bytes = static_cast<double>(kv_per_token) * b * (gpu_prompt + gpu_steps / 2);
      const double bound = (wbytes + kv_bytes) / bw;
      std::printf("  decode batch %lld (after %lld-token prompt): %.2f ms/step = %.0f tokens/s; bandwidth bound "
                  "%.2f ms (weights %.2f GiB + KV %.2f GiB) -> %.0f%% of bound; peak memory %.2f GiB\n",
                  (long long)b, (long long)gpu_prompt, td * 1e3, b / td, bound * 1e3, wbytes / (1 << 30),
                  kv_bytes / (1 << 30), 100.0 * bound / td, peak_gib(dev));
    }
  } else if (!no_cuda) {
    std::printf("no CUDA device: GPU benchmark skipped\n");
  }
  return 0;
}

tmf::cli::Register reg(spec, run_bench);

}  // namespace
