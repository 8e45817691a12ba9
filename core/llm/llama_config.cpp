// HF config.json <-> LlamaConfig. See llama_config.h for what is supported.
#include "llm/llama_config.h"

#include <algorithm>
#include <filesystem>

#include "llm/safetensors.h"
#include "util/error.h"
#include "util/json_file.h"
#include "util/sha256.h"
#include "util/strings.h"

namespace tmf {
namespace {

int64_t req_int(const nlohmann::json& j, const char* key, const std::string& ctx) {
  auto it = j.find(key);
  TMF_CHECK(it != j.end() && !it->is_null(), ctx, ": required field '", key, "' is missing");
  TMF_CHECK(it->is_number_integer(), ctx, ": field '", key, "' must be an integer, got ", it->dump());
  return it->get<int64_t>();
}

double opt_num(const nlohmann::json& j, const char* key, double def, const std::string& ctx) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return def;
  TMF_CHECK(it->is_number(), ctx, ": field '", key, "' must be a number, got ", it->dump());
  return it->get<double>();
}

bool opt_bool(const nlohmann::json& j, const char* key, bool def, const std::string& ctx) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return def;
  TMF_CHECK(it->is_boolean(), ctx, ": field '", key, "' must be true/false, got ", it->dump());
  return it->get<bool>();
}

// rope scaling lives in "rope_scaling" (transformers 4.x) or "rope_parameters" (5.x).
void parse_rope(const nlohmann::json& j, LlamaConfig& c, const std::string& ctx) {
  c.rope_theta = opt_num(j, "rope_theta", 10000.0, ctx);
  for (const char* key : {"rope_parameters", "rope_scaling"}) {
    auto it = j.find(key);
    if (it == j.end() || it->is_null()) continue;
    TMF_CHECK(it->is_object(), ctx, ": '", key, "' must be an object, got ", it->dump());
    const auto& r = *it;
    if (r.contains("rope_theta")) c.rope_theta = opt_num(r, "rope_theta", c.rope_theta, ctx);
    std::string type = "default";
    if (r.contains("rope_type") && !r["rope_type"].is_null()) type = r["rope_type"].get<std::string>();
    else if (r.contains("type") && !r["type"].is_null()) type = r["type"].get<std::string>();
    if (type == "default") continue;
    if (type == "linear") {
      c.rope_scaling.type = type;
      c.rope_scaling.factor = opt_num(r, "factor", 1.0, ctx);
    } else if (type == "llama3") {
      c.rope_scaling.type = type;
      c.rope_scaling.factor = opt_num(r, "factor", 8.0, ctx);
      c.rope_scaling.low_freq_factor = opt_num(r, "low_freq_factor", 1.0, ctx);
      c.rope_scaling.high_freq_factor = opt_num(r, "high_freq_factor", 4.0, ctx);
      auto om = r.find("original_max_position_embeddings");
      TMF_CHECK(om != r.end() && om->is_number_integer(), ctx,
                ": llama3 rope scaling needs an integer original_max_position_embeddings");
      c.rope_scaling.original_max_position_embeddings = om->get<int64_t>();
    } else {
      fail(ctx, ": rope scaling type '", type,
           "' is not supported (supported: default, linear, llama3)");
    }
    TMF_CHECK(c.rope_scaling.factor > 0, ctx, ": rope scaling factor must be > 0, got ", c.rope_scaling.factor);
  }
}

}  // namespace

void LlamaConfig::validate(const std::string& ctx) const {
  TMF_CHECK(vocab_size > 0, ctx, ": vocab_size must be > 0, got ", vocab_size);
  TMF_CHECK(hidden_size > 0, ctx, ": hidden_size must be > 0, got ", hidden_size);
  TMF_CHECK(intermediate_size > 0, ctx, ": intermediate_size must be > 0, got ", intermediate_size);
  TMF_CHECK(num_hidden_layers > 0, ctx, ": num_hidden_layers must be > 0, got ", num_hidden_layers);
  TMF_CHECK(num_attention_heads > 0, ctx, ": num_attention_heads must be > 0, got ", num_attention_heads);
  TMF_CHECK(num_key_value_heads > 0, ctx, ": num_key_value_heads must be > 0, got ", num_key_value_heads);
  TMF_CHECK(num_attention_heads % num_key_value_heads == 0, ctx, ": num_attention_heads ",
            num_attention_heads, " is not divisible by num_key_value_heads ", num_key_value_heads);
  TMF_CHECK(head_dim > 0 && head_dim % 2 == 0, ctx, ": head_dim must be even and > 0, got ", head_dim);
  TMF_CHECK(rms_norm_eps > 0, ctx, ": rms_norm_eps must be > 0, got ", rms_norm_eps);
  TMF_CHECK(rope_theta > 0, ctx, ": rope_theta must be > 0, got ", rope_theta);
  // Bounds against absurd allocations from a corrupt file (largest public Llamas are well inside).
  TMF_CHECK(vocab_size <= (1 << 22) && hidden_size <= (1 << 16) && intermediate_size <= (1 << 18) &&
                num_hidden_layers <= 1024 && num_attention_heads <= 1024 && head_dim <= 1024,
            ctx, ": implausible sizes (vocab ", vocab_size, ", hidden ", hidden_size, ", intermediate ",
            intermediate_size, ", layers ", num_hidden_layers, ", heads ", num_attention_heads,
            ", head_dim ", head_dim, ")");
  if (bos_token_id >= 0)
    TMF_CHECK(bos_token_id < vocab_size, ctx, ": bos_token_id ", bos_token_id, " >= vocab_size ", vocab_size);
  for (int64_t e : eos_token_ids)
    TMF_CHECK(e >= 0 && e < vocab_size, ctx, ": eos_token_id ", e, " outside [0, ", vocab_size, ")");
}

int64_t LlamaConfig::parameter_count() const {
  const int64_t H = hidden_size, q = num_attention_heads * head_dim, kv = num_key_value_heads * head_dim;
  const int64_t layer = H * q + 2 * H * kv + q * H  // q, k, v, o projections
                        + 3 * H * intermediate_size    // gate, up, down
                        + 2 * H;                        // the two RMS norms
  int64_t n = vocab_size * H + num_hidden_layers * layer + H;
  if (!tie_word_embeddings) n += vocab_size * H;
  if (copy_head_dim > 0) n += 3 * H * copy_head_dim + 2 * H + 1 + std::max<int64_t>(copy_match_depth, 1);
  return n;
}

LlamaConfig parse_llama_config(const nlohmann::json& j, const std::string& ctx) {
  TMF_CHECK(j.is_object(), ctx, ": expected a JSON object");
  LlamaConfig c;
  if (j.contains("model_type") && j["model_type"].is_string()) {
    std::string mt = j["model_type"];
    TMF_CHECK(mt == "llama" || mt == "mistral", ctx, ": model_type '", mt, "' is not a Llama model");
  }
  c.vocab_size = req_int(j, "vocab_size", ctx);
  c.hidden_size = req_int(j, "hidden_size", ctx);
  c.intermediate_size = req_int(j, "intermediate_size", ctx);
  c.num_hidden_layers = req_int(j, "num_hidden_layers", ctx);
  c.num_attention_heads = req_int(j, "num_attention_heads", ctx);
  TMF_CHECK(c.num_attention_heads > 0, ctx, ": num_attention_heads must be > 0, got ", c.num_attention_heads);
  c.num_key_value_heads = j.contains("num_key_value_heads") && !j["num_key_value_heads"].is_null()
                              ? req_int(j, "num_key_value_heads", ctx)
                              : c.num_attention_heads;
  if (j.contains("head_dim") && !j["head_dim"].is_null()) {
    c.head_dim = req_int(j, "head_dim", ctx);
  } else {
    TMF_CHECK(c.hidden_size % c.num_attention_heads == 0, ctx, ": hidden_size ", c.hidden_size,
              " is not divisible by num_attention_heads ", c.num_attention_heads);
    c.head_dim = c.hidden_size / c.num_attention_heads;
  }
  if (j.contains("max_position_embeddings") && !j["max_position_embeddings"].is_null())
    c.max_position_embeddings = req_int(j, "max_position_embeddings", ctx);
  c.rms_norm_eps = opt_num(j, "rms_norm_eps", 1e-6, ctx);
  c.initializer_range = opt_num(j, "initializer_range", 0.02, ctx);
  c.tie_word_embeddings = opt_bool(j, "tie_word_embeddings", false, ctx);
  if (j.contains("tmf_copy_head_dim") && !j["tmf_copy_head_dim"].is_null()) {
    c.copy_head_dim = req_int(j, "tmf_copy_head_dim", ctx);
    TMF_CHECK(c.copy_head_dim >= 0, ctx, ": tmf_copy_head_dim must be >= 0, got ", c.copy_head_dim);
  }
  if (j.contains("tmf_copy_match") && !j["tmf_copy_match"].is_null()) {
    c.copy_match_depth = req_int(j, "tmf_copy_match", ctx);
    TMF_CHECK(c.copy_match_depth >= 0 && c.copy_match_depth <= 64, ctx, ": tmf_copy_match must be in [0, 64], got ",
              c.copy_match_depth);
  }
  TMF_CHECK(!opt_bool(j, "attention_bias", false, ctx), ctx, ": attention_bias true is not supported");
  TMF_CHECK(!opt_bool(j, "mlp_bias", false, ctx), ctx, ": mlp_bias true is not supported");
  if (j.contains("hidden_act") && j["hidden_act"].is_string()) {
    std::string act = j["hidden_act"];
    TMF_CHECK(act == "silu", ctx, ": hidden_act '", act, "' is not supported (only silu)");
  }
  parse_rope(j, c, ctx);
  if (j.contains("bos_token_id") && j["bos_token_id"].is_number_integer()) c.bos_token_id = j["bos_token_id"];
  if (j.contains("eos_token_id")) {
    const auto& e = j["eos_token_id"];
    if (e.is_number_integer()) c.eos_token_ids.push_back(e.get<int64_t>());
    else if (e.is_array())
      for (const auto& x : e) {
        TMF_CHECK(x.is_number_integer(), ctx, ": eos_token_id list holds a non-integer ", x.dump());
        c.eos_token_ids.push_back(x.get<int64_t>());
      }
    else TMF_CHECK(e.is_null(), ctx, ": eos_token_id must be an integer or a list, got ", e.dump());
  }
  if (j.contains("pad_token_id") && j["pad_token_id"].is_number_integer()) c.pad_token_id = j["pad_token_id"].get<int64_t>();
  for (const char* key : {"dtype", "torch_dtype"})
    if (j.contains(key) && j[key].is_string()) c.torch_dtype = j[key];
  c.validate(ctx);
  return c;
}

LlamaConfig load_llama_config(const std::string& path) {
  namespace fs = std::filesystem;
  std::string file = fs::is_directory(path) ? (fs::path(path) / "config.json").string() : path;
  TMF_CHECK(fs::exists(file), "model config '", file, "' does not exist");
  nlohmann::json j = read_json_file(file);
  try {
    return parse_llama_config(j, file);
  } catch (const nlohmann::json::exception& e) {  // a field of the wrong JSON type
    fail(file, ": ", e.what());
  }
}

nlohmann::json llama_config_to_json(const LlamaConfig& c) {
  nlohmann::json j;
  j["architectures"] = {"LlamaForCausalLM"};
  j["model_type"] = "llama";
  j["vocab_size"] = c.vocab_size;
  j["hidden_size"] = c.hidden_size;
  j["intermediate_size"] = c.intermediate_size;
  j["num_hidden_layers"] = c.num_hidden_layers;
  j["num_attention_heads"] = c.num_attention_heads;
  j["num_key_value_heads"] = c.num_key_value_heads;
  j["head_dim"] = c.head_dim;
  j["max_position_embeddings"] = c.max_position_embeddings;
  j["rms_norm_eps"] = c.rms_norm_eps;
  j["rope_theta"] = c.rope_theta;
  if (c.rope_scaling.type == "default") {
    j["rope_scaling"] = nullptr;
  } else {
    nlohmann::json r{{"rope_type", c.rope_scaling.type}, {"factor", c.rope_scaling.factor}};
    if (c.rope_scaling.type == "llama3") {
      r["low_freq_factor"] = c.rope_scaling.low_freq_factor;
      r["high_freq_factor"] = c.rope_scaling.high_freq_factor;
      r["original_max_position_embeddings"] = c.rope_scaling.original_max_position_embeddings;
    }
    j["rope_scaling"] = r;
  }
  j["initializer_range"] = c.initializer_range;
  j["tie_word_embeddings"] = c.tie_word_embeddings;
  if (c.copy_head_dim > 0) {
    j["tmf_copy_head_dim"] = c.copy_head_dim;
    j["tmf_copy_match"] = c.copy_match_depth;
  }
  j["hidden_act"] = "silu";
  j["attention_bias"] = false;
  j["mlp_bias"] = false;
  j["bos_token_id"] = c.bos_token_id >= 0 ? nlohmann::json(c.bos_token_id) : nlohmann::json(nullptr);
  if (c.eos_token_ids.empty()) j["eos_token_id"] = nullptr;
  else if (c.eos_token_ids.size() == 1) j["eos_token_id"] = c.eos_token_ids[0];
  else j["eos_token_id"] = c.eos_token_ids;
  j["pad_token_id"] = c.pad_token_id ? nlohmann::json(*c.pad_token_id) : nlohmann::json(nullptr);
  j["torch_dtype"] = c.torch_dtype;
  j["use_cache"] = true;
  return j;
}

std::string backbone_fingerprint(const std::string& dir) {
  namespace fs = std::filesystem;
  Sha256 h;
  h.update(llama_config_to_json(load_llama_config(dir)).dump());
  std::string weights;
  for (const char* f : {"model.safetensors.index.json", "model.safetensors"})
    if (fs::exists(fs::path(dir) / f)) {
      weights = (fs::path(dir) / f).string();
      break;
    }
  TMF_CHECK(!weights.empty(), "model directory '", dir, "' has neither model.safetensors nor model.safetensors.index.json");
  st::Checkpoint ckpt(weights);
  for (const auto& name : ckpt.names()) {  // sorted
    const auto& t = ckpt.info(name);
    std::string line = name + " " + st::dtype_name(t.dtype);
    for (int64_t d : t.shape) line += " " + std::to_string(d);
    line += " " + std::to_string(t.end - t.begin) + "\n";
    h.update(line);
  }
  return h.hex();
}

void save_llama_config(const LlamaConfig& c, const std::string& path) {
  write_file_atomic(path, llama_config_to_json(c).dump(2) + "\n");
}

}  // namespace tmf
