// LoRA (Hu et al. 2021, "LoRA: Low-Rank Adaptation of Large Language Models") as PEFT does it:
// y = x W^T + scaling * B(A(dropout(x))), scaling = alpha / r (alpha / sqrt(r) with rsLoRA).
// LoraLinear is the bias-free linear layer of the Llama backbone with an optional adapter; the
// adapter folder functions read/write PEFT's layout (adapter_config.json + adapter_model.safetensors,
// keys "base_model.model.<module path>.lora_A.weight"), so adapters move between us and PEFT.
// Limits: one adapter at a time; no DoRA, no rank/alpha patterns, no fan_in_fan_out, no
// modules_to_save (all refused with a message when a PEFT folder asks for them). The adapter is
// kept in float32 whatever the base dtype (as PEFT's autocast_adapter_dtype does).
#pragma once
#include <torch/nn/module.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>

#include <string>
#include <vector>

#include "llm/lora_config.h"

namespace tmf {

struct LoraLinearImpl : torch::nn::Module {
  // The base weight is allocated with `opts` and left uninitialised (loaders fill it).
  LoraLinearImpl(int64_t in_features, int64_t out_features, torch::TensorOptions opts = {});

  torch::Tensor forward(const torch::Tensor& x);  // (..., in) -> (..., out)

  // Adds a new adapter initialised like PEFT: A kaiming-uniform(a=sqrt(5)), B zeros.
  void add_adapter(int64_t r, double alpha, double dropout, bool use_rslora);
  void remove_adapter();  // drops the adapter; a merged adapter stays in the weight ("unload")
  bool has_adapter() const { return !lora_A.is_empty(); }
  torch::Tensor delta_weight() const;  // scaling * B A, (out, in), float32
  void merge();                        // W += delta (no-op when merged)
  void unmerge();                      // W -= delta
  bool merged() const { return merged_; }

  int64_t in_features, out_features;
  torch::Tensor weight;                // (out, in)
  torch::nn::Linear lora_A{nullptr};   // weight (r, in)
  torch::nn::Linear lora_B{nullptr};   // weight (out, r)
  int64_t r = 0;
  double alpha = 0, scaling = 0, dropout = 0;
  bool use_rslora = false;

 private:
  bool merged_ = false;
};
TORCH_MODULE(LoraLinear);

struct LlamaImpl;

// Attaches new adapters (PEFT init; seeded from the global torch generator) to every targeted layer.
void add_lora(LlamaImpl& model, const LoraConfig& cfg);
// Reads a PEFT adapter folder and attaches it. Throws tmf::Error naming the file and the key.
LoraConfig load_lora(LlamaImpl& model, const std::string& dir);
// Writes adapter_config.json + adapter_model.safetensors (float32) in PEFT layout; the config
// (r, alpha, dropout, rslora, targets) is read off the attached adapters.
void save_lora(const LlamaImpl& model, const std::string& dir);
LoraConfig lora_config_of(const LlamaImpl& model);  // throws when no adapter is attached
void remove_lora(LlamaImpl& model);
void merge_lora(LlamaImpl& model);
void unmerge_lora(LlamaImpl& model);
// Only adapter parameters require grad afterwards; returns them (for the optimiser).
std::vector<torch::Tensor> freeze_all_but_lora(LlamaImpl& model);
std::vector<std::string> lora_module_names(const LlamaImpl& model);  // "model.layers.0.self_attn.q_proj", ...

}  // namespace tmf
