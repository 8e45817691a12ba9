// CLIP text tower; see clip_text.h.
#include "encoders/clip_text.h"

#include <limits>

#include "util/error.h"

namespace tmf {

ClipTextEmbeddingsImpl::ClipTextEmbeddingsImpl(const ClipTextConfig& c) {
  token_embedding = register_module("token_embedding", torch::nn::Embedding(c.vocab_size, c.hidden_size));
  position_embedding =
      register_module("position_embedding", torch::nn::Embedding(c.max_position_embeddings, c.hidden_size));
}

torch::Tensor ClipTextEmbeddingsImpl::forward(const torch::Tensor& input_ids) {
  const int64_t T = input_ids.size(1);
  return token_embedding(input_ids) + position_embedding->weight.slice(0, 0, T).unsqueeze(0);  // (B, T, C)
}

ClipTextTransformerImpl::ClipTextTransformerImpl(const ClipTextConfig& c) : config(c) {
  embeddings = register_module("embeddings", ClipTextEmbeddings(c));
  encoder = register_module("encoder", ClipEncoder(c.num_hidden_layers, c.hidden_size, c.num_attention_heads,
                                                   c.intermediate_size, c.hidden_act, c.layer_norm_eps));
  final_layer_norm = register_module(
      "final_layer_norm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({c.hidden_size}).eps(c.layer_norm_eps)));
}

ClipTowerOutput ClipTextTransformerImpl::forward(const torch::Tensor& input_ids, const torch::Tensor& attention_mask) {
  TMF_CHECK(input_ids.dim() == 2 && input_ids.size(0) > 0 && input_ids.size(1) > 0,
            "CLIP text: input_ids must be (B, T) with B, T > 0, got ", input_ids.sizes());
  const int64_t B = input_ids.size(0), T = input_ids.size(1);
  TMF_CHECK(T <= config.max_position_embeddings, "CLIP text: sequence length ", T, " exceeds max_position_embeddings ",
            config.max_position_embeddings);
  torch::Tensor ids = input_ids.to(torch::kInt64);  // (B, T)
  const int64_t lo = ids.min().item<int64_t>(), hi = ids.max().item<int64_t>();
  TMF_CHECK(lo >= 0 && hi < config.vocab_size, "CLIP text: token ids must be in [0, ", config.vocab_size, "), got range [",
            lo, ", ", hi, "]");
  if (attention_mask.defined())
    TMF_CHECK(attention_mask.sizes() == input_ids.sizes(), "CLIP text: attention_mask ", attention_mask.sizes(),
              " does not match input_ids ", input_ids.sizes());

  torch::Tensor x = embeddings(ids);  // (B, T, C)
  const float lowest = std::numeric_limits<float>::lowest();
  auto opts = torch::TensorOptions().device(x.device());
  torch::Tensor blocked = torch::ones({T, T}, opts.dtype(torch::kBool)).triu(1).view({1, 1, T, T});  // future keys
  if (attention_mask.defined())
    blocked = blocked.logical_or(attention_mask.to(x.device()).eq(0).view({B, 1, 1, T}));  // padded keys
  torch::Tensor mask = torch::zeros(blocked.sizes(), opts.dtype(torch::kFloat32)).masked_fill(blocked, lowest);
  x = final_layer_norm(encoder(x, mask));  // (B, T, C)

  torch::Tensor pos;  // (B) pooled position
  if (config.eos_token_id == 2) {
    pos = ids.argmax(-1);
  } else {
    torch::Tensor is_eos = ids.eq(config.eos_token_id);  // (B, T)
    torch::Tensor has = is_eos.any(-1).cpu();
    for (int64_t b = 0; b < B; ++b)
      TMF_CHECK(has[b].item<bool>(), "CLIP text: sequence ", b, " has no eos_token_id ", config.eos_token_id,
                " (its position gives the pooled output)");
    pos = is_eos.to(torch::kInt32).argmax(-1);  // first maximum = first EOS
  }
  torch::Tensor pooled = x.index({torch::arange(B, pos.options()), pos});  // (B, C)
  return {x, pooled};
}

}  // namespace tmf
