#include "fusion/modality_fusion.h"

#include "util/error.h"

namespace tmf {

ModalityFusionImpl::ModalityFusionImpl(const FusionConfig& c) : cfg(c) {
  TMF_CHECK(cfg.image_dim > 0 && cfg.text_dim > 0 && cfg.graph_dim > 0, "fusion needs positive modality widths, got image ",
            cfg.image_dim, ", text ", cfg.text_dim, ", graph ", cfg.graph_dim);
  TMF_CHECK(cfg.image_dim == cfg.text_dim, "cross-modality attention needs image and text embeddings of one width, got ",
            cfg.image_dim, " and ", cfg.text_dim);
  const int64_t d = cfg.amsa_dim(), dc = cfg.cross_dim();
  amsa = register_module("amsa", FusionAttention(d, d, d, d, cfg.heads));
  query_proj = register_module("query_proj", torch::nn::Linear(torch::nn::LinearOptions(d, dc).bias(false)));
  if (cfg.use_cma) {
    cma_ext = register_module("cma_ext", FusionAttention(dc, cfg.image_dim, cfg.text_dim, dc, cfg.heads));
    cma_img = register_module("cma_img", FusionAttention(dc, cfg.text_dim, cfg.image_dim, dc, cfg.heads));
  }
}

FusionOutput ModalityFusionImpl::forward(const torch::Tensor& image, const torch::Tensor& text, const torch::Tensor& graph,
                                         const torch::Tensor& mask) {
  TMF_CHECK(image.dim() == 3 && text.dim() == 3 && graph.dim() == 3, "fusion inputs must be (B, T, C)");
  TMF_CHECK(image.size(-1) == cfg.image_dim && text.size(-1) == cfg.text_dim && graph.size(-1) == cfg.graph_dim,
            "fusion inputs have widths ", image.size(-1), "/", text.size(-1), "/", graph.size(-1), ", expected ",
            cfg.image_dim, "/", cfg.text_dim, "/", cfg.graph_dim);
  FusionOutput out;
  auto unit = [&](const torch::Tensor& x) {
    return cfg.unit_inputs ? x / x.pow(2).mean(-1, /*keepdim=*/true).add(1e-12).sqrt() : x;
  };
  const torch::Tensor image_in = unit(image), text_in = unit(text), graph_in = unit(graph);
  auto vm = torch::cat({image_in, text_in, graph_in}, -1);        // (B, T, d)         Eq. 5
  auto [amsa_out, w_att] = amsa(vm, vm, vm, mask);                // (B, T, d)         Eq. 6
  out.amsa = w_att;
  if (cfg.residual) amsa_out = vm + amsa_out;
  auto query = query_proj(amsa_out);                              // (B, T, Dc)
  if (!cfg.use_cma) {
    out.items = query;
    return out;
  }
  auto [cma1, w_ext] = cma_ext(query, image_in, text_in, mask);         // (B, T, Dc)        Eq. 7
  if (cfg.residual) cma1 = query + cma1;
  auto [cma0, w_img] = cma_img(cma1, text_in, image_in, mask);          // (B, T, Dc)        Eq. 8
  if (cfg.residual) cma0 = cma1 + cma0;
  out.items = cma0;
  out.cma_ext = w_ext;
  out.cma_img = w_img;
  return out;
}

}  // namespace tmf
