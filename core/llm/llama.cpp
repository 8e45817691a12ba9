// Llama backbone: see llama.h.
#include "llm/llama.h"

#include <torch/torch.h>
#include <torch/version.h>

#include <cmath>
#include <filesystem>
#include <set>

#include "llm/safetensors_torch.h"
#include "util/error.h"

namespace tmf {

namespace F = torch::nn::functional;

// ---- RMSNorm -------------------------------------------------------------------------------

RMSNormImpl::RMSNormImpl(int64_t dim, double eps_, torch::TensorOptions opts) : eps(eps_) {
  weight = register_parameter("weight", torch::ones({dim}, opts));
}

torch::Tensor RMSNormImpl::forward(const torch::Tensor& x) {
  auto h = x.to(torch::kFloat32);
  auto var = h.pow(2).mean(-1, /*keepdim=*/true);
  h = h * torch::rsqrt(var + eps);
  return weight * h.to(x.scalar_type());
}

// ---- embeddings ----------------------------------------------------------------------------

TokenEmbeddingImpl::TokenEmbeddingImpl(int64_t vocab, int64_t dim, torch::TensorOptions opts) {
  weight = register_parameter("weight", torch::empty({vocab, dim}, opts));
}

torch::Tensor TokenEmbeddingImpl::forward(const torch::Tensor& ids) { return F::embedding(ids, weight); }

Rotary::Rotary(const LlamaConfig& c) {
  const int64_t d = c.head_dim;
  // HF: 1 / base ** (arange(0, D, 2).float() / D), in float32.
  auto exponents = torch::arange(0, d, 2, torch::kLong).to(torch::kFloat32) / static_cast<double>(d);
  auto inv = 1.0 / torch::pow(torch::scalar_tensor(c.rope_theta, torch::kFloat32), exponents);
  const auto& rs = c.rope_scaling;
  if (rs.type == "linear") {
    inv = inv / rs.factor;
  } else if (rs.type == "llama3") {
    const double old_len = static_cast<double>(rs.original_max_position_embeddings);
    const double low_wavelen = old_len / rs.low_freq_factor;
    const double high_wavelen = old_len / rs.high_freq_factor;
    auto wavelen = 2 * M_PI / inv;
    auto scaled = torch::where(wavelen > low_wavelen, inv / rs.factor, inv);
    auto smooth = (old_len / wavelen - rs.low_freq_factor) / (rs.high_freq_factor - rs.low_freq_factor);
    auto smoothed = (1 - smooth) * scaled / rs.factor + smooth * scaled;
    auto medium = (wavelen >= high_wavelen).logical_and(wavelen <= low_wavelen);
    inv = torch::where(medium, smoothed, scaled);
  }
  inv_freq_ = inv.contiguous();
}

std::pair<torch::Tensor, torch::Tensor> Rotary::tables(const torch::Tensor& positions, torch::Dtype dtype) {
  if (inv_freq_.device() != positions.device()) inv_freq_ = inv_freq_.to(positions.device());
  auto freqs = positions.to(torch::kFloat32).unsqueeze(-1) * inv_freq_;  // (B, T, D/2)
  auto emb = torch::cat({freqs, freqs}, -1);                               // (B, T, D)
  return {emb.cos().to(dtype).unsqueeze(1), emb.sin().to(dtype).unsqueeze(1)};
}

namespace {

torch::Tensor rotate_half(const torch::Tensor& x) {
  const int64_t half = x.size(-1) / 2;
  return torch::cat({-x.narrow(-1, half, half), x.narrow(-1, 0, half)}, -1);
}

// (B, Hkv, S, D) -> (B, Hkv*n, S, D), each kv head repeated n times consecutively (HF repeat_kv).
torch::Tensor repeat_kv(const torch::Tensor& x, int64_t n) {
  if (n == 1) return x;
  auto s = x.sizes();
  return x.unsqueeze(2).expand({s[0], s[1], n, s[2], s[3]}).reshape({s[0], s[1] * n, s[2], s[3]});
}

// 0 where allowed, the dtype's lowest finite value elsewhere: fully padded rows get a uniform
// softmax instead of NaN (as HF does with finfo.min).
torch::Tensor additive_mask(const torch::Tensor& allowed, const torch::TensorOptions& opts) {
  double lowest = std::numeric_limits<float>::lowest();
  if (opts.dtype() == torch::kBFloat16) lowest = static_cast<float>(std::numeric_limits<c10::BFloat16>::lowest());
  if (opts.dtype() == torch::kFloat16) lowest = static_cast<float>(std::numeric_limits<c10::Half>::lowest());
  return torch::zeros(allowed.sizes(), opts).masked_fill(allowed.logical_not(), lowest);
}

}  // namespace

// ---- attention -----------------------------------------------------------------------------

LlamaAttentionImpl::LlamaAttentionImpl(const LlamaConfig& c, torch::TensorOptions opts)
    : num_heads(c.num_attention_heads), num_kv_heads(c.num_key_value_heads), head_dim(c.head_dim) {
  q_proj = register_module("q_proj", LoraLinear(c.hidden_size, num_heads * head_dim, opts));
  k_proj = register_module("k_proj", LoraLinear(c.hidden_size, num_kv_heads * head_dim, opts));
  v_proj = register_module("v_proj", LoraLinear(c.hidden_size, num_kv_heads * head_dim, opts));
  o_proj = register_module("o_proj", LoraLinear(num_heads * head_dim, c.hidden_size, opts));
}

torch::Tensor LlamaAttentionImpl::forward(const torch::Tensor& x, const torch::Tensor& cos,
                                          const torch::Tensor& sin, const torch::Tensor& mask, bool causal,
                                          KvCache* cache, int64_t layer, torch::Tensor* weights) {
  const int64_t B = x.size(0), T = x.size(1);
  auto q = q_proj(x).view({B, T, num_heads, head_dim}).transpose(1, 2);     // (B, H, T, D)
  auto k = k_proj(x).view({B, T, num_kv_heads, head_dim}).transpose(1, 2);  // (B, Hkv, T, D)
  auto v = v_proj(x).view({B, T, num_kv_heads, head_dim}).transpose(1, 2);  // (B, Hkv, T, D)
  q = q * cos + rotate_half(q) * sin;
  k = k * cos + rotate_half(k) * sin;
  if (cache) std::tie(k, v) = cache->append(layer, k, v);  // (B, Hkv, S, D)
  const int64_t n_rep = num_heads / num_kv_heads;
  k = repeat_kv(k, n_rep);  // (B, H, S, D)
  v = repeat_kv(v, n_rep);
  const double scale = 1.0 / std::sqrt(static_cast<double>(head_dim));
  torch::Tensor out;  // (B, H, T, D)
#if TORCH_VERSION_MAJOR >= 2
  // The fused kernel for prefill (T > 1). A decode step (T == 1) is a memory-bound matrix-vector
  // product either way, and the fused backends can re-plan for every new cache length (cuDNN
  // measured at ~50 ms/step on a 7B model), so it takes the plain path below.
  if (!weights && T > 1) {
    out = at::scaled_dot_product_attention(q, k, v, mask.defined() ? c10::optional<at::Tensor>(mask) : c10::nullopt,
                                           /*dropout_p=*/0.0, /*is_causal=*/causal && !mask.defined());
  }
#endif
  if (!out.defined()) {
    auto scores = torch::matmul(q, k.transpose(2, 3)) * scale;  // (B, H, T, S)
    if (mask.defined()) {
      scores = scores + mask;
    } else if (causal) {
      const int64_t S = k.size(2);
      auto keep = torch::ones({T, S}, torch::TensorOptions().dtype(torch::kBool).device(x.device())).tril(S - T);
      scores = scores.masked_fill(keep.logical_not(), -std::numeric_limits<float>::infinity());
    }
    auto probs = torch::softmax(scores, -1, torch::kFloat32).to(q.scalar_type());
    if (weights) *weights = probs;
    out = torch::matmul(probs, v);
  }
  out = out.transpose(1, 2).reshape({B, T, num_heads * head_dim});
  return o_proj(out);
}

// ---- MLP, layer ----------------------------------------------------------------------------

LlamaMLPImpl::LlamaMLPImpl(const LlamaConfig& c, torch::TensorOptions opts) {
  gate_proj = register_module("gate_proj", LoraLinear(c.hidden_size, c.intermediate_size, opts));
  up_proj = register_module("up_proj", LoraLinear(c.hidden_size, c.intermediate_size, opts));
  down_proj = register_module("down_proj", LoraLinear(c.intermediate_size, c.hidden_size, opts));
}

torch::Tensor LlamaMLPImpl::forward(const torch::Tensor& x) {
  return down_proj(F::silu(gate_proj(x)) * up_proj(x));
}

LlamaDecoderLayerImpl::LlamaDecoderLayerImpl(const LlamaConfig& c, torch::TensorOptions opts) {
  self_attn = register_module("self_attn", LlamaAttention(c, opts));
  mlp = register_module("mlp", LlamaMLP(c, opts));
  input_layernorm = register_module("input_layernorm", RMSNorm(c.hidden_size, c.rms_norm_eps, opts));
  post_attention_layernorm =
      register_module("post_attention_layernorm", RMSNorm(c.hidden_size, c.rms_norm_eps, opts));
}

// ---- model ---------------------------------------------------------------------------------

LlamaModelImpl::LlamaModelImpl(const LlamaConfig& c, torch::TensorOptions opts) : rotary(c) {
  embed_tokens = register_module("embed_tokens", TokenEmbedding(c.vocab_size, c.hidden_size, opts));
  layers = register_module("layers", torch::nn::ModuleList());
  for (int64_t i = 0; i < c.num_hidden_layers; ++i) {
    layer_list.emplace_back(c, opts);
    layers->push_back(layer_list.back());
  }
  norm = register_module("norm", RMSNorm(c.hidden_size, c.rms_norm_eps, opts));
}

torch::Tensor LlamaModelImpl::forward(const torch::Tensor& embeds, const torch::Tensor& attention_mask,
                                      KvCache* cache, std::vector<torch::Tensor>* attentions) {
  TMF_CHECK(embeds.dim() == 3 && embeds.size(2) == embed_tokens->weight.size(1),
            "Llama: inputs_embeds must be (B, T, ", embed_tokens->weight.size(1), "), got ", embeds.sizes());
  const int64_t B = embeds.size(0), T = embeds.size(1);
  TMF_CHECK(T > 0, "Llama: empty input (T = 0)");
  const int64_t past = cache ? cache->length() : 0;
  if (cache && !cache->empty())
    TMF_CHECK(cache->batch() == B, "Llama: cache holds batch ", cache->batch(), ", input has batch ", B);
  const int64_t S = past + T;
  const auto dev = embeds.device();
  const auto dtype = embeds.scalar_type();

  torch::Tensor positions;  // (B, T)
  torch::Tensor mask;       // additive (B, 1, T, S) or undefined
  bool causal = false;
  if (attention_mask.defined()) {
    TMF_CHECK(attention_mask.dim() == 2 && attention_mask.size(0) == B && attention_mask.size(1) == S,
              "Llama: attention_mask must be (B, S) = (", B, ", ", S, ") covering cache ", past, " + new ", T,
              ", got ", attention_mask.sizes());
    auto m = attention_mask.to(dev, torch::kLong);
    positions = (m.cumsum(1) - 1).masked_fill(m == 0, 1).narrow(1, past, T);
    auto key_ok = (m != 0).view({B, 1, 1, S});
    auto causal_ok = torch::ones({T, S}, torch::TensorOptions().dtype(torch::kBool).device(dev)).tril(past);
    auto allowed = key_ok.logical_and(causal_ok.view({1, 1, T, S}));
    mask = additive_mask(allowed, embeds.options());
  } else {
    positions = (torch::arange(past, S, torch::TensorOptions().dtype(torch::kLong).device(dev))).unsqueeze(0).expand({B, T});
    causal = T > 1;
    if (causal && past > 0) {  // a chunk after a cache: causal offset by `past`
      auto allowed = torch::ones({T, S}, torch::TensorOptions().dtype(torch::kBool).device(dev)).tril(past);
      mask = additive_mask(allowed.view({1, 1, T, S}), embeds.options());
      causal = false;
    }
  }
  auto [cos, sin] = rotary.tables(positions, dtype);

  auto h = embeds;
  if (attentions) attentions->clear();
  for (size_t i = 0; i < layer_list.size(); ++i) {
    auto& layer = layer_list[i];
    torch::Tensor w;
    h = h + layer->self_attn->forward(layer->input_layernorm(h), cos, sin, mask, causal, cache,
                                      static_cast<int64_t>(i), attentions ? &w : nullptr);
    h = h + layer->mlp(layer->post_attention_layernorm(h));
    if (attentions) attentions->push_back(w);
  }
  return norm(h);
}

// ---- causal LM -----------------------------------------------------------------------------

LlamaImpl::LlamaImpl(const LlamaConfig& c, torch::TensorOptions opts) : config(c) {
  config.validate("Llama config");
  model = register_module("model", LlamaModel(config, opts));
  if (!config.tie_word_embeddings)
    lm_head = register_module("lm_head", LoraLinear(config.hidden_size, config.vocab_size, opts));
  if (config.copy_head_dim > 0)
    copy_head = register_module("copy_head", CopyHead(config.hidden_size, config.copy_head_dim, config.copy_match_depth, opts));
}

torch::Tensor LlamaImpl::embed(const torch::Tensor& ids) {
  TMF_CHECK(ids.dim() == 2, "Llama: input ids must be (B, T), got ", ids.sizes());
  TMF_CHECK(ids.scalar_type() == torch::kLong, "Llama: input ids must be int64, got ", ids.scalar_type());
  if (ids.numel() > 0) {
    auto range = torch::stack({ids.min(), ids.max()}).to(torch::kCPU);  // one device sync
    const int64_t lo = range[0].item<int64_t>(), hi = range[1].item<int64_t>();
    TMF_CHECK(lo >= 0 && hi < config.vocab_size, "Llama: token id ", lo < 0 ? lo : hi, " outside [0, ",
              config.vocab_size, ")");
  }
  return model->embed_tokens(ids.to(device()));
}

torch::Tensor LlamaImpl::logits(const torch::Tensor& hidden) {
  return lm_head ? lm_head(hidden) : F::linear(hidden, model->embed_tokens->weight);
}

torch::Tensor LlamaImpl::forward(const torch::Tensor& ids, const torch::Tensor& attention_mask, KvCache* cache,
                                 std::vector<torch::Tensor>* attentions) {
  return forward_embeds(embed(ids), attention_mask, cache, attentions);
}

torch::Tensor LlamaImpl::forward_embeds(const torch::Tensor& embeds, const torch::Tensor& attention_mask,
                                        KvCache* cache, std::vector<torch::Tensor>* attentions) {
  auto e = embeds.to(device(), dtype());
  return logits(model->forward(e, attention_mask, cache, attentions));
}

void LlamaImpl::init_weights(uint64_t seed) {
  torch::NoGradGuard ng;
  torch::manual_seed(seed);
  const double std = config.initializer_range;
  model->embed_tokens->weight.normal_(0, std);
  for (auto& [name, lin] : linears()) lin->weight.normal_(0, std);
  for (auto& layer : model->layer_list) {
    layer->input_layernorm->weight.fill_(1);
    layer->post_attention_layernorm->weight.fill_(1);
  }
  model->norm->weight.fill_(1);
  if (copy_head) copy_head->init_weights(std);
}

std::vector<std::pair<std::string, LoraLinear>> LlamaImpl::linears() const {
  std::vector<std::pair<std::string, LoraLinear>> out;
  for (size_t i = 0; i < model->layer_list.size(); ++i) {
    const auto& l = model->layer_list[i];
    const std::string p = "model.layers." + std::to_string(i) + ".";
    out.emplace_back(p + "self_attn.q_proj", l->self_attn->q_proj);
    out.emplace_back(p + "self_attn.k_proj", l->self_attn->k_proj);
    out.emplace_back(p + "self_attn.v_proj", l->self_attn->v_proj);
    out.emplace_back(p + "self_attn.o_proj", l->self_attn->o_proj);
    out.emplace_back(p + "mlp.gate_proj", l->mlp->gate_proj);
    out.emplace_back(p + "mlp.up_proj", l->mlp->up_proj);
    out.emplace_back(p + "mlp.down_proj", l->mlp->down_proj);
  }
  if (lm_head) out.emplace_back("lm_head", lm_head);
  return out;
}

std::vector<std::pair<std::string, torch::Tensor>> LlamaImpl::base_weights() const {
  std::vector<std::pair<std::string, torch::Tensor>> out;
  for (const auto& item : named_parameters(/*recurse=*/true)) {
    if (item.key().find(".lora_") != std::string::npos) continue;
    out.emplace_back(item.key(), item.value());
  }
  return out;
}

KvCache LlamaImpl::make_cache(int64_t reserve) const {
  TMF_CHECK(reserve <= config.max_position_embeddings, "a prompt and its continuation need ", reserve,
            " positions; the model has ", config.max_position_embeddings,
            " (max_position_embeddings): shorten the prompt or ask for fewer new tokens");
  return KvCache(config.num_hidden_layers, reserve);
}

torch::Device LlamaImpl::device() const { return model->embed_tokens->weight.device(); }
torch::Dtype LlamaImpl::dtype() const { return model->embed_tokens->weight.scalar_type(); }

// ---- construction, load, save --------------------------------------------------------------

Llama make_random_llama(const LlamaConfig& c, uint64_t seed, torch::TensorOptions opts) {
  Llama m(c, opts);
  m->init_weights(seed);
  return m;
}

Llama load_llama(const std::string& dir, const LlamaLoadOptions& opts) {
  namespace fs = std::filesystem;
  TMF_CHECK(fs::is_directory(dir), "model directory '", dir, "' does not exist");
  LlamaConfig cfg = load_llama_config(dir);
  torch::Device device(opts.device);
  torch::Dtype dtype = opts.dtype ? *opts.dtype : (device.is_cuda() ? torch::kBFloat16 : torch::kFloat32);
  std::string weights_path;
  for (const char* f : {"model.safetensors.index.json", "model.safetensors"})
    if (fs::exists(fs::path(dir) / f)) {
      weights_path = (fs::path(dir) / f).string();
      break;
    }
  TMF_CHECK(!weights_path.empty(), "model directory '", dir,
            "' has neither model.safetensors nor model.safetensors.index.json");
  st::Checkpoint ckpt(weights_path);
  // Before allocating: a config larger than its weight file would otherwise try to allocate it.
  const uint64_t need = uint64_t(cfg.parameter_count()), have = ckpt.total_elements();
  TMF_CHECK(need <= have, weights_path, ": config.json describes ", need, " parameters (vocab ", cfg.vocab_size,
            ", hidden ", cfg.hidden_size, ", ", cfg.num_hidden_layers, " layers) but the weight files hold only ", have,
            " values; the config does not belong to these weights");
  Llama m(cfg, torch::TensorOptions().dtype(dtype).device(device));
  torch::NoGradGuard ng;
  std::set<std::string> expected;
  for (auto& [name, param] : m->base_weights()) {
    expected.insert(name);
    TMF_CHECK(ckpt.has(name), weights_path, ": tensor '", name, "' is missing",
              name == "lm_head.weight" ? " (and tie_word_embeddings is false)" : "");
    const auto& info = ckpt.info(name);
    TMF_CHECK(c10::IntArrayRef(info.shape) == param.sizes(), weights_path, ": tensor '", name, "' has shape ",
              c10::IntArrayRef(info.shape), ", the config implies ", param.sizes());
    st::copy_weight(param, st::load_tensor(ckpt, name), weights_path, name);
  }
  for (const auto& name : ckpt.names()) {
    if (expected.count(name)) continue;
    if (name.find("rotary_emb.inv_freq") != std::string::npos) continue;  // old checkpoints
    if (name == "lm_head.weight" && cfg.tie_word_embeddings) continue;
    fail(weights_path, ": unexpected tensor '", name, "' (not part of a Llama with this config)");
  }
  return m;
}

void save_llama(const LlamaImpl& model, const std::string& dir) {
  namespace fs = std::filesystem;
  for (const auto& [name, lin] : model.linears())
    TMF_CHECK(!lin->merged(), "save_llama: the LoRA adapter of ", name,
              " is merged; unmerge it, or remove_lora() to keep it in the weights");
  fs::create_directories(dir);
  std::map<std::string, torch::Tensor> tensors;
  for (auto& [name, t] : model.base_weights()) tensors[name] = t.detach();
  LlamaConfig cfg = model.config;
  switch (model.dtype()) {
    case torch::kBFloat16: cfg.torch_dtype = "bfloat16"; break;
    case torch::kFloat16: cfg.torch_dtype = "float16"; break;
    default: cfg.torch_dtype = "float32";
  }
  st::save((fs::path(dir) / "model.safetensors").string(), tensors, {{"format", "pt"}});
  save_llama_config(cfg, (fs::path(dir) / "config.json").string());
}

}  // namespace tmf
