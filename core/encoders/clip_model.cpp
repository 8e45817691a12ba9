// CLIP model, loading, saving and initialisation; see clip_model.h.
#include "encoders/clip_model.h"

#include <ATen/CPUGeneratorImpl.h>

#include <cmath>
#include <filesystem>
#include <set>

#include "llm/safetensors_torch.h"
#include "util/error.h"
#include "util/strings.h"

namespace tmf {

ClipModelImpl::ClipModelImpl(const ClipConfig& c) : config(c) {
  validate(c, "CLIP config");
  text_model = register_module("text_model", ClipTextTransformer(c.text));
  vision_model = register_module("vision_model", ClipVisionTransformer(c.vision));
  visual_projection = register_module(
      "visual_projection", torch::nn::Linear(torch::nn::LinearOptions(c.vision.hidden_size, c.projection_dim).bias(false)));
  text_projection = register_module(
      "text_projection", torch::nn::Linear(torch::nn::LinearOptions(c.text.hidden_size, c.projection_dim).bias(false)));
  logit_scale = register_parameter("logit_scale", torch::tensor(float(c.logit_scale_init_value)));
}

torch::Tensor ClipModelImpl::get_image_features(const torch::Tensor& pixel_values) {
  return visual_projection(vision_model(pixel_values).pooled);
}

torch::Tensor ClipModelImpl::get_text_features(const torch::Tensor& input_ids, const torch::Tensor& attention_mask) {
  return text_projection(text_model(input_ids, attention_mask).pooled);
}

ClipOutput ClipModelImpl::forward(const torch::Tensor& pixel_values, const torch::Tensor& input_ids,
                                  const torch::Tensor& attention_mask) {
  ClipOutput out;
  out.image_embeds = torch::nn::functional::normalize(get_image_features(pixel_values),
                                                      torch::nn::functional::NormalizeFuncOptions().dim(-1));
  out.text_embeds = torch::nn::functional::normalize(get_text_features(input_ids, attention_mask),
                                                     torch::nn::functional::NormalizeFuncOptions().dim(-1));
  out.logits_per_text = torch::matmul(out.text_embeds, out.image_embeds.t()) * logit_scale.exp();  // (B_txt, B_img)
  out.logits_per_image = out.logits_per_text.t();
  return out;
}

torch::Tensor clip_contrastive_loss(const ClipOutput& out) {
  const int64_t n = out.logits_per_text.size(0);
  TMF_CHECK(out.logits_per_text.dim() == 2 && out.logits_per_text.size(1) == n && n > 0,
            "CLIP loss needs as many texts as images, got logits ", out.logits_per_text.sizes());
  torch::Tensor labels = torch::arange(n, torch::TensorOptions().dtype(torch::kInt64).device(out.logits_per_text.device()));
  return 0.5 * (torch::nn::functional::cross_entropy(out.logits_per_text, labels) +
                torch::nn::functional::cross_entropy(out.logits_per_image, labels));
}

// ---------------------------------------------------------------------------------------------

ClipModel make_clip(const ClipConfig& c, uint64_t seed) {
  ClipModel model(c);
  at::Generator gen = at::detail::createCPUGenerator(seed);
  torch::NoGradGuard no_grad;
  auto normal = [&](torch::Tensor t, double std) { t.normal_(0.0, std, gen); };
  auto init_encoder = [&](ClipEncoder& enc, int64_t hidden, int64_t layers, double factor) {
    const double in_std = std::pow(double(hidden), -0.5) * std::pow(2.0 * double(std::max<int64_t>(layers, 1)), -0.5) * factor;
    const double out_std = std::pow(double(hidden), -0.5) * factor;
    const double fc_std = std::pow(2.0 * double(hidden), -0.5) * factor;
    for (const auto& m : *enc->layers) {
      auto layer = m->as<ClipEncoderLayer>();
      for (auto* lin : {&layer->self_attn->q_proj, &layer->self_attn->k_proj, &layer->self_attn->v_proj})
        normal((*lin)->weight, in_std);
      normal(layer->self_attn->out_proj->weight, out_std);
      normal(layer->mlp->fc1->weight, fc_std);
      normal(layer->mlp->fc2->weight, in_std);
    }
  };
  const auto& t = c.text;
  const auto& v = c.vision;
  normal(model->text_model->embeddings->token_embedding->weight, t.initializer_range * t.initializer_factor);
  normal(model->text_model->embeddings->position_embedding->weight, t.initializer_range * t.initializer_factor);
  init_encoder(model->text_model->encoder, t.hidden_size, t.num_hidden_layers, t.initializer_factor);
  auto& ve = model->vision_model->embeddings;
  normal(ve->class_embedding, std::pow(double(v.hidden_size), -0.5) * v.initializer_factor);
  normal(ve->patch_embedding->weight, v.initializer_range * v.initializer_factor);
  normal(ve->position_embedding->weight, v.initializer_range * v.initializer_factor);
  init_encoder(model->vision_model->encoder, v.hidden_size, v.num_hidden_layers, v.initializer_factor);
  normal(model->visual_projection->weight, std::pow(double(v.hidden_size), -0.5) * c.initializer_factor);
  normal(model->text_projection->weight, std::pow(double(t.hidden_size), -0.5) * c.initializer_factor);
  // Biases zero, LayerNorms identity (transformers' _init_weights).
  for (auto& p : model->named_parameters()) {
    const std::string& k = p.key();
    bool is_norm = k.find("layer_norm") != std::string::npos || k.find("layrnorm") != std::string::npos ||
                   k.find("layernorm") != std::string::npos;
    if (ends_with(k, ".bias")) p.value().zero_();
    else if (is_norm && ends_with(k, ".weight")) p.value().fill_(1.0);
  }
  model->logit_scale.fill_(c.logit_scale_init_value);
  return model;
}

ClipModel load_clip(const std::string& dir, const std::string& device) {
  ClipConfig cfg = read_clip_config(dir);
  st::Checkpoint ckpt(dir);
  const std::string where = "CLIP checkpoint '" + dir + "'";
  const uint64_t need = uint64_t(clip_parameter_count(cfg)), have = ckpt.total_elements();
  TMF_CHECK(need <= have, where, ": config.json describes ", need, " parameters but the weight files hold only ", have,
            " values; the config does not belong to these weights");
  ClipModel model(cfg);
  std::set<std::string> used;
  {
    torch::NoGradGuard no_grad;
    for (auto& p : model->named_parameters()) {
      const std::string& name = p.key();
      TMF_CHECK(ckpt.has(name), where, " lacks tensor '", name, "'");
      const auto& info = ckpt.info(name);
      TMF_CHECK(info.shape == p.value().sizes().vec(), where, ": tensor '", name, "' has shape ",
                torch::IntArrayRef(info.shape), " but the config gives ", p.value().sizes());
      st::copy_weight(p.value(), st::load_tensor(ckpt, name), where, name);
      used.insert(name);
    }
  }
  for (const auto& name : ckpt.names())
    TMF_CHECK(used.count(name) || ends_with(name, "position_ids"), where, " holds tensor '", name,
              "' that the CLIP model has no place for (not a CLIPModel checkpoint?)");
  model->to(torch::Device(device));
  model->eval();
  return model;
}

void save_clip(ClipModel& model, const std::string& dir) {
  std::filesystem::create_directories(dir);
  std::map<std::string, torch::Tensor> tensors;
  for (const auto& p : model->named_parameters()) tensors[p.key()] = p.value().detach().to(torch::kFloat32);
  write_file_atomic((std::filesystem::path(dir) / "config.json").string(), clip_config_to_json(model->config));
  st::save((std::filesystem::path(dir) / "model.safetensors").string(), tensors, {{"format", "pt"}});
}

}  // namespace tmf
