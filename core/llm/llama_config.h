// Llama architecture hyper-parameters, read from and written to a Hugging Face config.json.
// Limits: only the plain Llama family (model_type llama/mistral-style fields); rope scaling
// "default" (or absent), "linear" and "llama3" are supported, every other type (dynamic, yarn,
// longrope, ...) is refused with an error naming it. attention_bias / mlp_bias must be false and
// hidden_act must be silu. Torch-free so that views can show a model's shape.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace tmf {

struct RopeScaling {
  std::string type = "default";  // "default", "linear" or "llama3"
  double factor = 1.0;
  double low_freq_factor = 1.0;                   // llama3 only
  double high_freq_factor = 4.0;                  // llama3 only
  int64_t original_max_position_embeddings = 0;   // llama3 only
};

struct LlamaConfig {
  int64_t vocab_size = 0;
  int64_t hidden_size = 0;          // C
  int64_t intermediate_size = 0;    // MLP width
  int64_t num_hidden_layers = 0;
  int64_t num_attention_heads = 0;  // H
  int64_t num_key_value_heads = 0;  // Hkv (GQA); H % Hkv == 0
  int64_t head_dim = 0;             // D (default C / H)
  int64_t max_position_embeddings = 2048;
  double rms_norm_eps = 1e-6;
  double rope_theta = 10000.0;
  RopeScaling rope_scaling;
  double initializer_range = 0.02;
  bool tie_word_embeddings = false;
  int64_t bos_token_id = -1;             // -1 when absent
  std::vector<int64_t> eos_token_ids;    // may be empty
  std::optional<int64_t> pad_token_id;
  std::string torch_dtype = "float32";   // as written in the file ("dtype" or "torch_dtype")
  // TMF's own extension (llm/copy_head.h): width of the copy head's query/key projections, 0 =
  // no copy head. Written as "tmf_copy_head_dim" only when > 0, so a Hugging Face config stays one.
  int64_t copy_head_dim = 0;
  int64_t copy_match_depth = 4;  // "tmf_copy_match": answer tokens the copy head's match bonus looks back

  // Throws tmf::Error naming `context` (the file) and the values when inconsistent.
  void validate(const std::string& context = "config") const;
  // Parameters a model of this config holds (embeddings, layers, norm, lm_head unless tied, copy
  // head): checked against the weight file before anything is allocated, so that a config that
  // is plausible on its own but not the file's (hidden 65536 x 1024 layers) fails at once.
  int64_t parameter_count() const;
};

// Parses an HF config.json object; `context` names the source in error messages.
LlamaConfig parse_llama_config(const nlohmann::json& j, const std::string& context);
// Reads `path` (a config.json file or a directory holding one).
LlamaConfig load_llama_config(const std::string& path);
nlohmann::json llama_config_to_json(const LlamaConfig& c);
// Identity of the backbone in folder `dir`, for a package that refers to a backbone outside itself:
// sha256 over its parsed config and every weight tensor's name, dtype, shape and byte size. The
// weight values are not read (a 7B backbone is 14 GB): this tells another model apart, not a
// weight edited in place.
std::string backbone_fingerprint(const std::string& dir);
void save_llama_config(const LlamaConfig& c, const std::string& path);  // file path, atomic

}  // namespace tmf
