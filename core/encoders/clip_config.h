// Configuration of a Hugging Face CLIPModel (config.json with text_config and vision_config) and
// of its CLIPImageProcessor (preprocessor_config.json). Defaults are those of transformers'
// CLIPTextConfig / CLIPVisionConfig / CLIPConfig / CLIPImageProcessor; values are validated
// (positive sizes, hidden_size divisible by heads, image_size divisible by patch_size, known
// activation) and errors name the file and the field. Torch-free.
#pragma once
#include <array>
#include <cstdint>
#include <string>

namespace tmf {

struct ClipTextConfig {
  int64_t vocab_size = 49408;
  int64_t hidden_size = 512;
  int64_t intermediate_size = 2048;
  int64_t num_hidden_layers = 12;
  int64_t num_attention_heads = 8;
  int64_t max_position_embeddings = 77;
  std::string hidden_act = "quick_gelu";
  double layer_norm_eps = 1e-5;
  double initializer_range = 0.02;
  double initializer_factor = 1.0;
  int64_t pad_token_id = 1;
  int64_t bos_token_id = 49406;
  int64_t eos_token_id = 49407;  // 2 means the legacy pooling (argmax of the ids)
};

struct ClipVisionConfig {
  int64_t hidden_size = 768;
  int64_t intermediate_size = 3072;
  int64_t num_hidden_layers = 12;
  int64_t num_attention_heads = 12;
  int64_t num_channels = 3;
  int64_t image_size = 224;
  int64_t patch_size = 32;
  std::string hidden_act = "quick_gelu";
  double layer_norm_eps = 1e-5;
  double initializer_range = 0.02;
  double initializer_factor = 1.0;
};

struct ClipConfig {
  ClipTextConfig text;
  ClipVisionConfig vision;
  int64_t projection_dim = 512;
  double logit_scale_init_value = 2.6592;
  double initializer_factor = 1.0;
};

// path: config.json or a directory holding it. text_config and vision_config are required (a
// CLIPModel checkpoint always has them); fields inside default as in transformers.
ClipConfig read_clip_config(const std::string& path);
ClipConfig parse_clip_config(const std::string& json_text, const std::string& context);
std::string clip_config_to_json(const ClipConfig& c);  // HF layout, readable by transformers
void validate(const ClipConfig& c, const std::string& context);
// Parameters of a CLIPModel of this config (both towers, projections, logit scale): checked against
// the weight file before the model is allocated.
int64_t clip_parameter_count(const ClipConfig& c);

enum class Resample { Bilinear = 2, Bicubic = 3 };  // PIL numbering, as in preprocessor_config.json

struct ClipImageProcessorConfig {
  bool do_resize = true;
  int64_t shortest_edge = 224;   // size.shortest_edge; 0 when size is height/width
  int64_t resize_height = 0;     // size.height/width when given instead
  int64_t resize_width = 0;
  Resample resample = Resample::Bicubic;
  bool do_center_crop = true;
  int64_t crop_height = 224, crop_width = 224;
  bool do_rescale = true;
  double rescale_factor = 1.0 / 255.0;
  bool do_normalize = true;
  std::array<double, 3> image_mean = {0.48145466, 0.4578275, 0.40821073};
  std::array<double, 3> image_std = {0.26862954, 0.26130258, 0.27577711};
  bool do_convert_rgb = true;
};

// path: preprocessor_config.json or a directory holding it.
ClipImageProcessorConfig read_clip_image_processor_config(const std::string& path);
ClipImageProcessorConfig parse_clip_image_processor_config(const std::string& json_text, const std::string& context);
std::string clip_image_processor_config_to_json(const ClipImageProcessorConfig& c);

}  // namespace tmf
