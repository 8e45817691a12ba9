// The Llama decoder-only backbone (Touvron et al. 2023), numerically following transformers'
// LlamaForCausalLM: RMSNorm in float32, rotary embeddings (rotate_half convention, inv_freq in
// float32), grouped-query attention, SwiGLU MLP, a causal mask combined with a padding mask, and
// an optional KV cache. Submodule names mirror HF keys (model.embed_tokens,
// model.layers.N.self_attn.q_proj, ..., model.norm, lm_head) so checkpoints map one to one.
//
// Dimensions: B batch, T new positions, S all positions (cache + new), C hidden, H query heads,
// Hkv key/value heads, D head width, V vocabulary.
//
// Masks and positions: attention_mask is (B, S) with 1 for real tokens and 0 for padding (left
// padding for generation). When given, position ids are cumsum(mask) - 1 as in HF generate, so a
// left-padded row computes exactly what the unpadded row computes; without a mask, positions are
// past + 0..T-1. Rows that are all padding produce finite garbage, never NaN.
// Limits: no attention/MLP biases, no sliding window, no tensor parallelism.
#pragma once
#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/pimpl.h>

#include <optional>
#include <string>
#include <vector>

#include "llm/copy_head.h"
#include "llm/kv_cache.h"
#include "llm/llama_config.h"
#include "llm/lora.h"

namespace tmf {

struct RMSNormImpl : torch::nn::Module {
  RMSNormImpl(int64_t dim, double eps, torch::TensorOptions opts = {});
  torch::Tensor forward(const torch::Tensor& x);  // (..., C), statistics in float32
  torch::Tensor weight;  // (C)
  double eps;
};
TORCH_MODULE(RMSNorm);

struct TokenEmbeddingImpl : torch::nn::Module {
  TokenEmbeddingImpl(int64_t vocab, int64_t dim, torch::TensorOptions opts = {});
  torch::Tensor forward(const torch::Tensor& ids);  // (B, T) int64 -> (B, T, C)
  torch::Tensor weight;  // (V, C)
};
TORCH_MODULE(TokenEmbedding);

// Rotary position embedding tables; not a module (nothing to learn or save).
class Rotary {
 public:
  Rotary() = default;
  explicit Rotary(const LlamaConfig& c);
  // positions (B, T) int64 -> cos, sin (B, 1, T, D) in `dtype`, computed in float32.
  std::pair<torch::Tensor, torch::Tensor> tables(const torch::Tensor& positions, torch::Dtype dtype);
  torch::Tensor inv_freq() const { return inv_freq_; }  // (D/2) float32

 private:
  torch::Tensor inv_freq_;  // (D/2) float32, moved lazily to the positions' device
};

struct LlamaAttentionImpl : torch::nn::Module {
  LlamaAttentionImpl(const LlamaConfig& c, torch::TensorOptions opts);
  // x (B, T, C); cos/sin (B, 1, T, D); mask: additive (B, 1, T, S) or undefined (no masking
  // needed) ; causal: apply the plain causal mask (only when mask is undefined and no cache).
  // weights: when non-null receives the attention probabilities (B, H, T, S).
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& cos, const torch::Tensor& sin,
                        const torch::Tensor& mask, bool causal, KvCache* cache, int64_t layer,
                        torch::Tensor* weights);
  LoraLinear q_proj{nullptr};  // (H*D, C)
  LoraLinear k_proj{nullptr};  // (Hkv*D, C)
  LoraLinear v_proj{nullptr};  // (Hkv*D, C)
  LoraLinear o_proj{nullptr};  // (C, H*D)
  int64_t num_heads, num_kv_heads, head_dim;
};
TORCH_MODULE(LlamaAttention);

struct LlamaMLPImpl : torch::nn::Module {
  LlamaMLPImpl(const LlamaConfig& c, torch::TensorOptions opts);
  torch::Tensor forward(const torch::Tensor& x);  // down(silu(gate(x)) * up(x))
  LoraLinear gate_proj{nullptr};  // (I, C)
  LoraLinear up_proj{nullptr};    // (I, C)
  LoraLinear down_proj{nullptr};  // (C, I)
};
TORCH_MODULE(LlamaMLP);

struct LlamaDecoderLayerImpl : torch::nn::Module {
  LlamaDecoderLayerImpl(const LlamaConfig& c, torch::TensorOptions opts);
  LlamaAttention self_attn{nullptr};
  LlamaMLP mlp{nullptr};
  RMSNorm input_layernorm{nullptr};
  RMSNorm post_attention_layernorm{nullptr};
};
TORCH_MODULE(LlamaDecoderLayer);

struct LlamaModelImpl : torch::nn::Module {
  LlamaModelImpl(const LlamaConfig& c, torch::TensorOptions opts);
  // embeds (B, T, C) -> final normed hidden states (B, T, C).
  torch::Tensor forward(const torch::Tensor& embeds, const torch::Tensor& attention_mask, KvCache* cache,
                        std::vector<torch::Tensor>* attentions);
  TokenEmbedding embed_tokens{nullptr};
  torch::nn::ModuleList layers{nullptr};  // of LlamaDecoderLayer
  RMSNorm norm{nullptr};
  std::vector<LlamaDecoderLayer> layer_list;  // typed view of `layers`
  Rotary rotary;
};
TORCH_MODULE(LlamaModel);

struct LlamaImpl : torch::nn::Module {
  // Weights are allocated with `opts` (dtype, device) and left uninitialised: call init_weights()
  // or load them (load_llama).
  explicit LlamaImpl(const LlamaConfig& c, torch::TensorOptions opts = {});

  // ids (B, T) int64 -> logits (B, T, V) in the model dtype. attention_mask (B, S) covers the cache
  // and the new tokens (HF convention). attentions: when non-null receives one (B, H, T, S) per layer.
  torch::Tensor forward(const torch::Tensor& ids, const torch::Tensor& attention_mask = {},
                        KvCache* cache = nullptr, std::vector<torch::Tensor>* attentions = nullptr);
  // The inputs_embeds path: embeds (B, T, C) (e.g. token embeddings with placeholder positions
  // replaced) -> logits (B, T, V).
  torch::Tensor forward_embeds(const torch::Tensor& embeds, const torch::Tensor& attention_mask = {},
                               KvCache* cache = nullptr, std::vector<torch::Tensor>* attentions = nullptr);
  torch::Tensor embed(const torch::Tensor& ids);          // (B, T) -> (B, T, C); checks the id range
  torch::Tensor logits(const torch::Tensor& hidden);      // (B, T, C) -> (B, T, V)

  // HF _init_weights: linear and embedding weights ~ N(0, initializer_range), norms = 1. Seeds the
  // global torch generator with `seed`.
  void init_weights(uint64_t seed);
  // Every LoraLinear of the backbone with its module path ("model.layers.0.self_attn.q_proj").
  std::vector<std::pair<std::string, LoraLinear>> linears() const;
  // Base weights by HF name (no adapter tensors; lm_head absent when tied).
  std::vector<std::pair<std::string, torch::Tensor>> base_weights() const;
  torch::Device device() const;
  torch::Dtype dtype() const;
  // A KV cache for `reserve` positions (a prompt and its continuation). More positions than the
  // model's max_position_embeddings are refused here, before anything is allocated.
  KvCache make_cache(int64_t reserve = 0) const;

  LlamaConfig config;
  LlamaModel model{nullptr};
  LoraLinear lm_head{nullptr};  // (V, C); null when tie_word_embeddings
  CopyHead copy_head{nullptr};  // null unless config.copy_head_dim > 0 (llm/copy_head.h)
};
TORCH_MODULE(Llama);

struct LlamaLoadOptions {
  std::string device = "cpu";                  // "cpu", "cuda", "cuda:N" (resolve "auto" first)
  std::optional<torch::Dtype> dtype;           // default: float32 on CPU, bfloat16 on CUDA
};

// A model with random weights (init_weights(seed)).
Llama make_random_llama(const LlamaConfig& c, uint64_t seed, torch::TensorOptions opts = {});
// Loads an HF directory: config.json + model.safetensors or model.safetensors.index.json.
Llama load_llama(const std::string& dir, const LlamaLoadOptions& opts = {});
// Writes config.json + model.safetensors (dtype as held) into `dir` (created when missing). Refuses
// while a LoRA adapter is merged (that would silently bake it in; remove_lora() first to keep it).
void save_llama(const LlamaImpl& model, const std::string& dir);

}  // namespace tmf
