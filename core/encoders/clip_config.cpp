// Reading and writing CLIP config.json / preprocessor_config.json; see clip_config.h.
#include "encoders/clip_config.h"

#include <filesystem>
#include <nlohmann/json.hpp>

#include "util/error.h"
#include "util/json_file.h"
#include "util/strings.h"

namespace tmf {
namespace {
using nlohmann::json;

// Reads optional field `key` of object `j` into `out`, failing with the field's path on a wrong type.
template <typename T>
void get_opt(const json& j, const char* key, T& out, const std::string& ctx) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return;
  try {
    if constexpr (std::is_same_v<T, int64_t>) {
      TMF_CHECK(it->is_number_integer(), ctx, ": field '", key, "' must be an integer, got ", it->dump());
    } else if constexpr (std::is_same_v<T, double>) {
      TMF_CHECK(it->is_number(), ctx, ": field '", key, "' must be a number, got ", it->dump());
    } else if constexpr (std::is_same_v<T, bool>) {
      TMF_CHECK(it->is_boolean(), ctx, ": field '", key, "' must be true or false, got ", it->dump());
    } else {
      TMF_CHECK(it->is_string(), ctx, ": field '", key, "' must be a string, got ", it->dump());
    }
    out = it->get<T>();
  } catch (const json::exception& e) {
    fail(ctx, ": field '", key, "': ", e.what());
  }
}

std::string resolve(const std::string& path, const char* file) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) return (std::filesystem::path(path) / file).string();
  return path;
}

json parse_object(const std::string& text, const std::string& ctx) {
  json j;
  try {
    check_json_depth(text, ctx);
    j = json::parse(text);
  } catch (const json::exception& e) {
    fail(ctx, " is not valid JSON: ", e.what());
  }
  TMF_CHECK(j.is_object(), ctx, " is not a JSON object");
  return j;
}

void check_act(const std::string& act, const std::string& ctx) {
  TMF_CHECK(act == "quick_gelu" || act == "gelu" || act == "gelu_new" || act == "gelu_pytorch_tanh" || act == "relu",
            ctx, ": hidden_act '", act, "' is not supported (quick_gelu, gelu, gelu_new, gelu_pytorch_tanh, relu)");
}
}  // namespace

int64_t clip_parameter_count(const ClipConfig& c) {
  auto layer = [](int64_t h, int64_t i) {  // attention (4 linears with bias), 2 layer norms, MLP
    return 4 * (h * h + h) + 4 * h + (h * i + i) + (i * h + h);
  };
  const ClipTextConfig& t = c.text;
  const ClipVisionConfig& v = c.vision;
  const int64_t patches = (v.image_size / v.patch_size) * (v.image_size / v.patch_size);
  const int64_t text = (t.vocab_size + t.max_position_embeddings) * t.hidden_size +
                       t.num_hidden_layers * layer(t.hidden_size, t.intermediate_size) + 2 * t.hidden_size;
  const int64_t vision = v.hidden_size + v.num_channels * v.patch_size * v.patch_size * v.hidden_size +
                         (patches + 1) * v.hidden_size + 4 * v.hidden_size +
                         v.num_hidden_layers * layer(v.hidden_size, v.intermediate_size);
  return text + vision + (t.hidden_size + v.hidden_size) * c.projection_dim + 1;
}

void validate(const ClipConfig& c, const std::string& ctx) {
  const auto& t = c.text;
  const auto& v = c.vision;
  for (auto [name, val] : {std::pair<const char*, int64_t>{"text_config.vocab_size", t.vocab_size},
                           {"text_config.hidden_size", t.hidden_size},
                           {"text_config.intermediate_size", t.intermediate_size},
                           {"text_config.num_attention_heads", t.num_attention_heads},
                           {"text_config.max_position_embeddings", t.max_position_embeddings},
                           {"vision_config.hidden_size", v.hidden_size},
                           {"vision_config.intermediate_size", v.intermediate_size},
                           {"vision_config.num_attention_heads", v.num_attention_heads},
                           {"vision_config.num_channels", v.num_channels},
                           {"vision_config.image_size", v.image_size},
                           {"vision_config.patch_size", v.patch_size},
                           {"projection_dim", c.projection_dim}}) {
    TMF_CHECK(val > 0 && val <= (int64_t(1) << 24), ctx, ": ", name, " must be in [1, 16777216], got ", val);
  }
  TMF_CHECK(t.num_hidden_layers >= 0 && t.num_hidden_layers <= 1024, ctx, ": text_config.num_hidden_layers ",
            t.num_hidden_layers, " out of range");
  TMF_CHECK(v.num_hidden_layers >= 0 && v.num_hidden_layers <= 1024, ctx, ": vision_config.num_hidden_layers ",
            v.num_hidden_layers, " out of range");
  TMF_CHECK(t.hidden_size % t.num_attention_heads == 0, ctx, ": text_config.hidden_size ", t.hidden_size,
            " is not divisible by num_attention_heads ", t.num_attention_heads);
  TMF_CHECK(v.hidden_size % v.num_attention_heads == 0, ctx, ": vision_config.hidden_size ", v.hidden_size,
            " is not divisible by num_attention_heads ", v.num_attention_heads);
  TMF_CHECK(v.image_size % v.patch_size == 0, ctx, ": vision_config.image_size ", v.image_size,
            " is not divisible by patch_size ", v.patch_size);
  TMF_CHECK(t.eos_token_id >= 0 && t.eos_token_id < t.vocab_size, ctx, ": text_config.eos_token_id ", t.eos_token_id,
            " is outside the vocabulary of ", t.vocab_size);
  check_act(t.hidden_act, ctx + " text_config");
  check_act(v.hidden_act, ctx + " vision_config");
}

ClipConfig parse_clip_config(const std::string& text, const std::string& ctx) {
  json j = parse_object(text, ctx);
  if (j.contains("model_type") && j["model_type"].is_string()) {
    std::string mt = j["model_type"].get<std::string>();
    TMF_CHECK(mt == "clip", ctx, ": model_type '", mt, "' is not a CLIP model (expected \"clip\")");
  }
  TMF_CHECK(j.contains("text_config") && j["text_config"].is_object(), ctx,
            ": missing required object 'text_config' (a CLIPModel config.json has text_config and vision_config)");
  TMF_CHECK(j.contains("vision_config") && j["vision_config"].is_object(), ctx,
            ": missing required object 'vision_config' (a CLIPModel config.json has text_config and vision_config)");
  ClipConfig c;
  get_opt(j, "projection_dim", c.projection_dim, ctx);
  get_opt(j, "logit_scale_init_value", c.logit_scale_init_value, ctx);
  get_opt(j, "initializer_factor", c.initializer_factor, ctx);
  const json& tj = j["text_config"];
  const std::string tctx = ctx + " text_config";
  auto& t = c.text;
  get_opt(tj, "vocab_size", t.vocab_size, tctx);
  get_opt(tj, "hidden_size", t.hidden_size, tctx);
  get_opt(tj, "intermediate_size", t.intermediate_size, tctx);
  get_opt(tj, "num_hidden_layers", t.num_hidden_layers, tctx);
  get_opt(tj, "num_attention_heads", t.num_attention_heads, tctx);
  get_opt(tj, "max_position_embeddings", t.max_position_embeddings, tctx);
  get_opt(tj, "hidden_act", t.hidden_act, tctx);
  get_opt(tj, "layer_norm_eps", t.layer_norm_eps, tctx);
  get_opt(tj, "initializer_range", t.initializer_range, tctx);
  get_opt(tj, "initializer_factor", t.initializer_factor, tctx);
  get_opt(tj, "pad_token_id", t.pad_token_id, tctx);
  get_opt(tj, "bos_token_id", t.bos_token_id, tctx);
  get_opt(tj, "eos_token_id", t.eos_token_id, tctx);
  const json& vj = j["vision_config"];
  const std::string vctx = ctx + " vision_config";
  auto& v = c.vision;
  get_opt(vj, "hidden_size", v.hidden_size, vctx);
  get_opt(vj, "intermediate_size", v.intermediate_size, vctx);
  get_opt(vj, "num_hidden_layers", v.num_hidden_layers, vctx);
  get_opt(vj, "num_attention_heads", v.num_attention_heads, vctx);
  get_opt(vj, "num_channels", v.num_channels, vctx);
  get_opt(vj, "image_size", v.image_size, vctx);
  get_opt(vj, "patch_size", v.patch_size, vctx);
  get_opt(vj, "hidden_act", v.hidden_act, vctx);
  get_opt(vj, "layer_norm_eps", v.layer_norm_eps, vctx);
  get_opt(vj, "initializer_range", v.initializer_range, vctx);
  get_opt(vj, "initializer_factor", v.initializer_factor, vctx);
  validate(c, ctx);
  return c;
}

ClipConfig read_clip_config(const std::string& path) {
  std::string file = resolve(path, "config.json");
  return parse_clip_config(read_file(file), "CLIP config '" + file + "'");
}

std::string clip_config_to_json(const ClipConfig& c) {
  const auto& t = c.text;
  const auto& v = c.vision;
  json j = {
      {"architectures", {"CLIPModel"}},
      {"model_type", "clip"},
      {"projection_dim", c.projection_dim},
      {"logit_scale_init_value", c.logit_scale_init_value},
      {"initializer_factor", c.initializer_factor},
      {"text_config",
       {{"model_type", "clip_text_model"}, {"vocab_size", t.vocab_size}, {"hidden_size", t.hidden_size},
        {"intermediate_size", t.intermediate_size}, {"num_hidden_layers", t.num_hidden_layers},
        {"num_attention_heads", t.num_attention_heads}, {"max_position_embeddings", t.max_position_embeddings},
        {"hidden_act", t.hidden_act}, {"layer_norm_eps", t.layer_norm_eps}, {"initializer_range", t.initializer_range},
        {"initializer_factor", t.initializer_factor}, {"pad_token_id", t.pad_token_id},
        {"bos_token_id", t.bos_token_id}, {"eos_token_id", t.eos_token_id}, {"projection_dim", c.projection_dim}}},
      {"vision_config",
       {{"model_type", "clip_vision_model"}, {"hidden_size", v.hidden_size}, {"intermediate_size", v.intermediate_size},
        {"num_hidden_layers", v.num_hidden_layers}, {"num_attention_heads", v.num_attention_heads},
        {"num_channels", v.num_channels}, {"image_size", v.image_size}, {"patch_size", v.patch_size},
        {"hidden_act", v.hidden_act}, {"layer_norm_eps", v.layer_norm_eps}, {"initializer_range", v.initializer_range},
        {"initializer_factor", v.initializer_factor}, {"projection_dim", c.projection_dim}}},
  };
  return j.dump(2) + "\n";
}

// ---------------------------------------------------------------------------------------------

namespace {
// "size"/"crop_size": {"shortest_edge": n} or {"height": h, "width": w} or a bare integer (legacy).
void read_size(const json& j, const char* key, const std::string& ctx, int64_t* shortest, int64_t& h, int64_t& w) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return;
  if (it->is_number_integer()) {
    if (shortest) {
      *shortest = it->get<int64_t>();
      h = w = 0;
    } else {
      h = w = it->get<int64_t>();
    }
    return;
  }
  TMF_CHECK(it->is_object(), ctx, ": field '", key, "' must be an object or an integer, got ", it->dump());
  if (it->contains("shortest_edge")) {
    TMF_CHECK(shortest, ctx, ": '", key, "' cannot use shortest_edge");
    get_opt(*it, "shortest_edge", *shortest, ctx + " " + key);
    h = w = 0;
  } else {
    TMF_CHECK(it->contains("height") && it->contains("width"), ctx, ": field '", key,
              "' needs shortest_edge or height and width, got ", it->dump());
    get_opt(*it, "height", h, ctx + " " + key);
    get_opt(*it, "width", w, ctx + " " + key);
    if (shortest) *shortest = 0;
  }
}

void read_triple(const json& j, const char* key, const std::string& ctx, std::array<double, 3>& out) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return;
  if (it->is_number()) {
    out.fill(it->get<double>());
    return;
  }
  TMF_CHECK(it->is_array() && it->size() == 3, ctx, ": field '", key, "' must be 3 numbers, got ", it->dump());
  for (int i = 0; i < 3; ++i) {
    TMF_CHECK((*it)[i].is_number(), ctx, ": field '", key, "' must be 3 numbers, got ", it->dump());
    out[i] = (*it)[i].get<double>();
  }
}
}  // namespace

ClipImageProcessorConfig parse_clip_image_processor_config(const std::string& text, const std::string& ctx) {
  json j = parse_object(text, ctx);
  ClipImageProcessorConfig c;
  get_opt(j, "do_resize", c.do_resize, ctx);
  read_size(j, "size", ctx, &c.shortest_edge, c.resize_height, c.resize_width);
  int64_t resample = static_cast<int64_t>(c.resample);
  get_opt(j, "resample", resample, ctx);
  TMF_CHECK(resample == 2 || resample == 3, ctx, ": resample ", resample,
            " is not supported (2 bilinear or 3 bicubic)");
  c.resample = static_cast<Resample>(resample);
  get_opt(j, "do_center_crop", c.do_center_crop, ctx);
  read_size(j, "crop_size", ctx, nullptr, c.crop_height, c.crop_width);
  get_opt(j, "do_rescale", c.do_rescale, ctx);
  get_opt(j, "rescale_factor", c.rescale_factor, ctx);
  get_opt(j, "do_normalize", c.do_normalize, ctx);
  read_triple(j, "image_mean", ctx, c.image_mean);
  read_triple(j, "image_std", ctx, c.image_std);
  get_opt(j, "do_convert_rgb", c.do_convert_rgb, ctx);
  const int64_t kMax = 16384;
  if (c.do_resize) {
    if (c.shortest_edge) {
      TMF_CHECK(c.shortest_edge > 0 && c.shortest_edge <= kMax, ctx, ": size.shortest_edge ", c.shortest_edge, " out of range");
    } else {
      TMF_CHECK(c.resize_height > 0 && c.resize_width > 0 && c.resize_height <= kMax && c.resize_width <= kMax, ctx,
                ": size ", c.resize_height, "x", c.resize_width, " out of range");
    }
  }
  if (c.do_center_crop)
    TMF_CHECK(c.crop_height > 0 && c.crop_width > 0 && c.crop_height <= kMax && c.crop_width <= kMax, ctx,
              ": crop_size ", c.crop_height, "x", c.crop_width, " out of range");
  for (double s : c.image_std) TMF_CHECK(s > 0, ctx, ": image_std entries must be positive, got ", s);
  return c;
}

ClipImageProcessorConfig read_clip_image_processor_config(const std::string& path) {
  std::string file = resolve(path, "preprocessor_config.json");
  return parse_clip_image_processor_config(read_file(file), "CLIP preprocessor config '" + file + "'");
}

std::string clip_image_processor_config_to_json(const ClipImageProcessorConfig& c) {
  json size = c.shortest_edge ? json{{"shortest_edge", c.shortest_edge}}
                              : json{{"height", c.resize_height}, {"width", c.resize_width}};
  json j = {{"image_processor_type", "CLIPImageProcessor"},
            {"do_resize", c.do_resize},
            {"size", size},
            {"resample", static_cast<int>(c.resample)},
            {"do_center_crop", c.do_center_crop},
            {"crop_size", {{"height", c.crop_height}, {"width", c.crop_width}}},
            {"do_rescale", c.do_rescale},
            {"rescale_factor", c.rescale_factor},
            {"do_normalize", c.do_normalize},
            {"image_mean", c.image_mean},
            {"image_std", c.image_std},
            {"do_convert_rgb", c.do_convert_rgb}};
  return j.dump(2) + "\n";
}

}  // namespace tmf
