// Shared helpers of the llm tests: fixture paths, golden tensors, scratch folders.
#pragma once
#include <torch/torch.h>

#include <filesystem>
#include <map>
#include <string>

#include "llm/llama.h"
#include "llm/safetensors_torch.h"

namespace tmf::test {

inline std::string fixture(const std::string& rel) {
  return (std::filesystem::path(TMF_SHARED_DIR) / "fixtures/hf-tiny" / rel).string();
}

inline const std::map<std::string, torch::Tensor>& golden() {
  static const auto g = st::load_all(fixture("golden.safetensors"));
  return g;
}
inline torch::Tensor gold(const std::string& name) { return golden().at(name); }

inline double max_abs(const torch::Tensor& a, const torch::Tensor& b) {
  return (a.to(torch::kCPU, torch::kFloat64) - b.to(torch::kCPU, torch::kFloat64)).abs().max().item<double>();
}

// A fresh scratch folder under the build tree, removed first.
inline std::string scratch(const std::string& name) {
  auto p = std::filesystem::path(TMF_BINARY_DIR) / "test_scratch" / "llm" / name;
  std::filesystem::remove_all(p);
  std::filesystem::create_directories(p);
  return p.string();
}

inline std::vector<int64_t> row(const torch::Tensor& ids2d, int64_t r) {
  auto t = ids2d[r].to(torch::kCPU, torch::kLong).contiguous();
  return std::vector<int64_t>(t.data_ptr<int64_t>(), t.data_ptr<int64_t>() + t.numel());
}

inline LlamaConfig small_config() {
  LlamaConfig c;
  c.vocab_size = 97;
  c.hidden_size = 48;
  c.intermediate_size = 80;
  c.num_hidden_layers = 2;
  c.num_attention_heads = 6;
  c.num_key_value_heads = 2;
  c.head_dim = 8;
  c.bos_token_id = 1;
  c.eos_token_ids = {2};
  return c;
}

}  // namespace tmf::test
