// MBHT module (Yang et al., KDD'22): embeddings, multi-scale transformer, hypergraph, gate.
#include "graph/mbht.h"

#include <cmath>

#include "graph/hypergraph.h"
#include "util/error.h"

namespace tmf {

namespace F = torch::nn::functional;

torch::Tensor mbht_attention(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                             const torch::Tensor& key_valid, double dropout, bool training) {
  const double scale = 1.0 / std::sqrt(double(q.size(-1)));
  torch::Tensor scores = torch::matmul(q, k.transpose(-2, -1)) * scale;  // (B, H, T, S)
  if (key_valid.defined()) scores = scores.masked_fill(~key_valid.unsqueeze(1).unsqueeze(1), -1e9);
  torch::Tensor w = torch::softmax(scores, -1);
  w = F::dropout(w, F::DropoutFuncOptions().p(dropout).training(training));
  return torch::matmul(w, v);                                            // (B, H, T, D)
}

// ---- multi-scale attention ----------------------------------------------------------------------

MultiScaleAttentionImpl::MultiScaleAttentionImpl(const MbhtConfig& c) : config(c) {
  const int64_t C = c.hidden;
  lowrank_qkv = register_module("lowrank_qkv", torch::nn::Linear(C, 3 * C));
  lowrank_proj_k = register_parameter("lowrank_proj_k", torch::randn({c.low_rank, c.max_len}) * c.init_std);
  lowrank_proj_v = register_parameter("lowrank_proj_v", torch::randn({c.low_rank, c.max_len}) * c.init_std);
  for (size_t i = 0; i < c.scales.size(); ++i) scale_qkv->push_back(torch::nn::Linear(C, 3 * C));
  register_module("scale_qkv", scale_qkv);
  o_proj = register_module("o_proj", torch::nn::Linear(C * int64_t(1 + c.scales.size()), C));
}

torch::Tensor MultiScaleAttentionImpl::split_heads(const torch::Tensor& x) const {
  const int64_t H = config.heads, D = config.hidden / config.heads;
  return x.view({x.size(0), x.size(1), H, D}).transpose(1, 2);
}

torch::Tensor MultiScaleAttentionImpl::merge_heads(const torch::Tensor& x) const {
  return x.transpose(1, 2).contiguous().view({x.size(0), x.size(2), config.hidden});
}

torch::Tensor MultiScaleAttentionImpl::forward(const torch::Tensor& x, const torch::Tensor& valid) {
  const int64_t B = x.size(0), T = x.size(1), C = config.hidden;
  TMF_CHECK(T == config.max_len, "MBHT attention: sequence length ", T, " differs from max_len ", config.max_len);
  const torch::Tensor vf = valid.to(x.dtype()).unsqueeze(-1);  // (B, T, 1)
  std::vector<torch::Tensor> outs;

  // Low-rank branch: padded keys/values are zeroed, then projected along the sequence T -> K.
  {
    auto qkv = lowrank_qkv->forward(x).chunk(3, -1);
    torch::Tensor q = split_heads(qkv[0]);                                 // (B, H, T, D)
    torch::Tensor k = split_heads(qkv[1] * vf), v = split_heads(qkv[2] * vf);
    k = torch::matmul(lowrank_proj_k, k);                                  // (B, H, K, D)
    v = torch::matmul(lowrank_proj_v, v);
    outs.push_back(merge_heads(mbht_attention(q, k, v, {}, config.dropout, is_training())));
  }
  // Pooled branches: keys/values from the masked mean over groups of s positions.
  for (size_t i = 0; i < config.scales.size(); ++i) {
    const int64_t s = config.scales[i], G = (T + s - 1) / s, pad = G * s - T;
    torch::Tensor xp = x, vp = vf;
    if (pad > 0) {
      xp = torch::cat({torch::zeros({B, pad, C}, x.options()), x}, 1);
      vp = torch::cat({torch::zeros({B, pad, 1}, x.options()), vf}, 1);
    }
    torch::Tensor cnt = vp.view({B, G, s, 1}).sum(2);                      // (B, G, 1)
    torch::Tensor pooled = (xp * vp).view({B, G, s, C}).sum(2) / cnt.clamp_min(1.0);  // (B, G, C)
    torch::Tensor group_valid = cnt.squeeze(-1) > 0;                       // (B, G)
    auto lin = scale_qkv[i]->as<torch::nn::Linear>();
    const auto& w = lin->weight;                                           // (3C, C)
    const auto& bias = lin->bias;
    torch::Tensor q = split_heads(torch::nn::functional::linear(x, w.slice(0, 0, C), bias.slice(0, 0, C)));
    torch::Tensor k = split_heads(torch::nn::functional::linear(pooled, w.slice(0, C, 2 * C), bias.slice(0, C, 2 * C)));
    torch::Tensor v = split_heads(torch::nn::functional::linear(pooled, w.slice(0, 2 * C, 3 * C), bias.slice(0, 2 * C, 3 * C)));
    outs.push_back(merge_heads(mbht_attention(q, k, v, group_valid, config.dropout, is_training())));
  }
  return o_proj->forward(torch::cat(outs, -1));                            // (B, T, C)
}

// ---- layer --------------------------------------------------------------------------------------

MbhtLayerImpl::MbhtLayerImpl(const MbhtConfig& c) {
  attention = register_module("attention", MultiScaleAttention(c));
  attention_layernorm = register_module(
      "attention_layernorm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({c.hidden}).eps(c.layer_norm_eps)));
  fc1 = register_module("fc1", torch::nn::Linear(c.hidden, c.inner));
  fc2 = register_module("fc2", torch::nn::Linear(c.inner, c.hidden));
  output_layernorm = register_module(
      "output_layernorm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({c.hidden}).eps(c.layer_norm_eps)));
  dropout = register_module("dropout", torch::nn::Dropout(c.dropout));
}

torch::Tensor MbhtLayerImpl::forward(const torch::Tensor& x, const torch::Tensor& valid) {
  torch::Tensor h = attention_layernorm->forward(x + dropout->forward(attention->forward(x, valid)));
  torch::Tensor f = fc2->forward(torch::gelu(fc1->forward(h)));
  return output_layernorm->forward(h + dropout->forward(f));
}

// ---- model --------------------------------------------------------------------------------------

MbhtImpl::MbhtImpl(const MbhtConfig& c) : config(c) {
  c.validate();
  const int64_t C = c.hidden;
  item_embeddings = register_module("item_embeddings",
                                    torch::nn::Embedding(torch::nn::EmbeddingOptions(c.n_items + 2, C).padding_idx(0)));
  position_embeddings = register_module("position_embeddings", torch::nn::Embedding(c.max_len, C));
  behavior_embeddings = register_module(
      "behavior_embeddings", torch::nn::Embedding(torch::nn::EmbeddingOptions(c.n_behaviors + 1, C).padding_idx(0)));
  input_layernorm =
      register_module("input_layernorm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({C}).eps(c.layer_norm_eps)));
  dropout = register_module("dropout", torch::nn::Dropout(c.dropout));
  for (int64_t i = 0; i < c.layers; ++i) layers->push_back(MbhtLayer(c));
  register_module("layers", layers);
  hyper_gate = register_module("hyper_gate", torch::nn::Linear(C, C));
  for (int64_t i = 0; i < c.hyper_layers; ++i)
    hyper_convs->push_back(torch::nn::Linear(torch::nn::LinearOptions(C, C).bias(false)));
  register_module("hyper_convs", hyper_convs);
  fusion_gate = register_module("fusion_gate", torch::nn::Linear(2 * C, 2));
  output_bias = register_parameter("output_bias", torch::zeros({c.n_items}));

  // RecBole-style init: normal(0, init_std) weights, zero biases, LayerNorm (1, 0), zero pad rows.
  torch::NoGradGuard no_grad;
  for (auto& p : named_parameters()) {
    const std::string& name = p.key();
    torch::Tensor t = p.value();
    if (name.find("layernorm") != std::string::npos) {
      t.fill_(name.size() >= 6 && name.substr(name.size() - 6) == "weight" ? 1.0 : 0.0);
    } else if (name.size() >= 4 && name.substr(name.size() - 4) == "bias") {
      t.zero_();
    } else {
      t.normal_(0.0, c.init_std);
    }
  }
  item_embeddings->weight[0].zero_();
  behavior_embeddings->weight[0].zero_();
}

torch::Tensor MbhtImpl::hypergraph(const torch::Tensor& items, const torch::Tensor& behaviors,
                                   const torch::Tensor& valid, torch::Tensor* incidence) {
  torch::Tensor e = item_embeddings->forward(items);                       // (B, T, C)
  torch::Tensor g = e * torch::sigmoid(hyper_gate->forward(e));            // gated item embeddings
  torch::Tensor H = hypergraph_incidence(g, items, behaviors, valid, config.hyper_topk, mask_row());
  if (incidence) *incidence = H;
  torch::Tensor G = hypergraph_propagation(H).to(g.dtype());              // (B, T, T)
  torch::Tensor x = g, sum = torch::zeros_like(g);
  for (const auto& m : *hyper_convs) {
    x = torch::matmul(G, m->as<torch::nn::Linear>()->forward(x));
    sum = sum + x;
  }
  return sum / double(config.hyper_layers);                                // (B, T, C)
}

torch::Tensor MbhtImpl::forward(const torch::Tensor& items, const torch::Tensor& behaviors, const torch::Tensor& valid) {
  TMF_CHECK(items.dim() == 2 && items.sizes() == behaviors.sizes() && items.sizes() == valid.sizes(),
            "MBHT forward: items ", items.sizes(), ", behaviors ", behaviors.sizes(), ", valid ", valid.sizes(),
            " must all be (B, T)");
  const int64_t T = items.size(1);
  TMF_CHECK(T == config.max_len, "MBHT forward: sequence length ", T, " differs from max_len ", config.max_len);
  torch::Tensor pos = torch::arange(T, items.options()).unsqueeze(0);       // (1, T)
  torch::Tensor x = item_embeddings->forward(items) + position_embeddings->forward(pos) +
                    behavior_embeddings->forward(behaviors);                // (B, T, C)
  x = dropout->forward(input_layernorm->forward(x));
  for (const auto& layer : *layers) x = layer->as<MbhtLayer>()->forward(x, valid);
  torch::Tensor hg = hypergraph(items, behaviors, valid);                   // (B, T, C)
  torch::Tensor a = torch::softmax(fusion_gate->forward(torch::cat({x, hg}, -1)), -1);  // (B, T, 2)
  torch::Tensor h = a.select(-1, 0).unsqueeze(-1) * x + a.select(-1, 1).unsqueeze(-1) * hg;
  return h * valid.to(h.dtype()).unsqueeze(-1);                             // padding zeroed
}

torch::Tensor MbhtImpl::logits(const torch::Tensor& h) {
  torch::Tensor table = item_embeddings->weight.slice(0, 1, config.n_items + 1);  // (N, C)
  return torch::matmul(h, table.t()) + output_bias;
}

torch::Tensor MbhtImpl::score_last(const torch::Tensor& items, const torch::Tensor& behaviors, const torch::Tensor& valid) {
  TMF_CHECK(items.dim() == 2 && items.size(1) == config.max_len - 1, "MBHT score_last: history must be (B, ",
            config.max_len - 1, "), got ", items.sizes());
  const int64_t B = items.size(0);
  torch::Tensor it = torch::cat({items, torch::full({B, 1}, mask_row(), items.options())}, 1);
  torch::Tensor bh = torch::cat({behaviors, torch::full({B, 1}, config.target_behavior, behaviors.options())}, 1);
  torch::Tensor va = torch::cat({valid, torch::ones({B, 1}, valid.options())}, 1);
  torch::Tensor h = forward(it, bh, va).select(1, config.max_len - 1);     // (B, C)
  return logits(h);                                                        // (B, N)
}

}  // namespace tmf
