// LoRA layers and PEFT adapter folders: see lora.h.
#include "llm/lora.h"

#include <torch/torch.h>

#include <cmath>
#include <filesystem>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "llm/llama.h"
#include "llm/safetensors_torch.h"
#include "util/error.h"
#include "util/json_file.h"
#include "util/strings.h"

namespace tmf {

namespace F = torch::nn::functional;

// ---- LoraLinear ----------------------------------------------------------------------------

LoraLinearImpl::LoraLinearImpl(int64_t in, int64_t out, torch::TensorOptions opts)
    : in_features(in), out_features(out) {
  weight = register_parameter("weight", torch::empty({out, in}, opts));
}

torch::Tensor LoraLinearImpl::forward(const torch::Tensor& x) {
  auto y = F::linear(x, weight);
  if (has_adapter() && !merged_) {
    auto xa = x.to(lora_A->weight.scalar_type());
    if (dropout > 0 && is_training()) xa = F::dropout(xa, F::DropoutFuncOptions().p(dropout).training(true));
    y = y + (lora_B(lora_A(xa)) * scaling).to(y.scalar_type());
  }
  return y;
}

void LoraLinearImpl::add_adapter(int64_t r_, double alpha_, double dropout_, bool rslora) {
  TMF_CHECK(r_ > 0, "LoRA rank r must be > 0, got ", r_);
  TMF_CHECK(r_ <= std::min(in_features, out_features), "LoRA rank r ", r_, " exceeds the layer size (",
            out_features, " x ", in_features, ")");
  TMF_CHECK(dropout_ >= 0 && dropout_ < 1, "LoRA dropout must be in [0, 1), got ", dropout_);
  TMF_CHECK(!merged_, "cannot add a LoRA adapter while one is merged");
  if (has_adapter()) remove_adapter();
  auto opts = torch::TensorOptions().dtype(torch::kFloat32).device(weight.device());
  lora_A = register_module("lora_A", torch::nn::Linear(torch::nn::LinearOptions(in_features, r_).bias(false)));
  lora_B = register_module("lora_B", torch::nn::Linear(torch::nn::LinearOptions(r_, out_features).bias(false)));
  lora_A->to(opts.device(), torch::kFloat32);
  lora_B->to(opts.device(), torch::kFloat32);
  {
    torch::NoGradGuard ng;
    torch::nn::init::kaiming_uniform_(lora_A->weight, /*a=*/std::sqrt(5.0));
    lora_B->weight.zero_();
  }
  r = r_;
  alpha = alpha_;
  dropout = dropout_;
  use_rslora = rslora;
  scaling = rslora ? alpha / std::sqrt(static_cast<double>(r)) : alpha / static_cast<double>(r);
  if (!is_training()) {  // a fresh adapter follows the module's mode
    lora_A->eval();
    lora_B->eval();
  }
}

void LoraLinearImpl::remove_adapter() {
  if (!has_adapter()) return;
  unregister_module("lora_A");
  unregister_module("lora_B");
  lora_A = torch::nn::Linear(nullptr);
  lora_B = torch::nn::Linear(nullptr);
  merged_ = false;  // a merged delta stays in `weight`
  r = 0;
}

torch::Tensor LoraLinearImpl::delta_weight() const {
  TMF_CHECK(has_adapter(), "delta_weight: no LoRA adapter attached");
  return torch::matmul(lora_B->weight, lora_A->weight) * scaling;  // (out, in)
}

void LoraLinearImpl::merge() {
  if (!has_adapter() || merged_) return;
  torch::NoGradGuard ng;
  weight.add_(delta_weight().to(weight.scalar_type()));
  merged_ = true;
}

void LoraLinearImpl::unmerge() {
  if (!has_adapter() || !merged_) return;
  torch::NoGradGuard ng;
  weight.sub_(delta_weight().to(weight.scalar_type()));
  merged_ = false;
}

// ---- adapters on a Llama -------------------------------------------------------------------

namespace {

const std::string kPrefix = "base_model.model.";

std::string leaf_name(const std::string& path) {
  auto dot = path.rfind('.');
  return dot == std::string::npos ? path : path.substr(dot + 1);
}

}  // namespace

void add_lora(LlamaImpl& model, const LoraConfig& cfg) {
  TMF_CHECK(!cfg.target_modules.empty(), "LoRA: no target modules given");
  for (const auto& t : cfg.target_modules)
    TMF_CHECK(lora_target_names().count(t), "LoRA: target module '", t,
              "' is not one of q_proj k_proj v_proj o_proj gate_proj up_proj down_proj");
  std::set<std::string> targets(cfg.target_modules.begin(), cfg.target_modules.end());
  for (auto& [path, lin] : model.linears())
    if (targets.count(leaf_name(path)) && path != "lm_head") lin->add_adapter(cfg.r, cfg.alpha, cfg.dropout, cfg.use_rslora);
}

void remove_lora(LlamaImpl& model) {
  for (auto& [path, lin] : model.linears()) lin->remove_adapter();
}
void merge_lora(LlamaImpl& model) {
  for (auto& [path, lin] : model.linears()) lin->merge();
}
void unmerge_lora(LlamaImpl& model) {
  for (auto& [path, lin] : model.linears()) lin->unmerge();
}

std::vector<std::string> lora_module_names(const LlamaImpl& model) {
  std::vector<std::string> out;
  for (const auto& [path, lin] : model.linears())
    if (lin->has_adapter()) out.push_back(path);
  return out;
}

std::vector<torch::Tensor> freeze_all_but_lora(LlamaImpl& model) {
  std::vector<torch::Tensor> trainable;
  for (auto& item : model.named_parameters(/*recurse=*/true)) {
    const bool is_lora = item.key().find(".lora_") != std::string::npos;
    item.value().set_requires_grad(is_lora);
    if (is_lora) trainable.push_back(item.value());
  }
  return trainable;
}

LoraConfig lora_config_of(const LlamaImpl& model) {
  LoraConfig cfg;
  cfg.target_modules.clear();
  bool first = true;
  std::set<std::string> targets;
  for (const auto& [path, lin] : model.linears()) {
    if (!lin->has_adapter()) continue;
    if (first) {
      cfg.r = lin->r;
      cfg.alpha = lin->alpha;
      cfg.dropout = lin->dropout;
      cfg.use_rslora = lin->use_rslora;
      first = false;
    }
    TMF_CHECK(lin->r == cfg.r && lin->alpha == cfg.alpha, "LoRA: ", path, " has r ", lin->r, " alpha ", lin->alpha,
              ", others r ", cfg.r, " alpha ", cfg.alpha, " (per-module ranks cannot be saved)");
    targets.insert(leaf_name(path));
  }
  TMF_CHECK(!first, "LoRA: the model has no adapter attached");
  cfg.target_modules.assign(targets.begin(), targets.end());
  return cfg;
}

void save_lora(const LlamaImpl& model, const std::string& dir) {
  namespace fs = std::filesystem;
  LoraConfig cfg = lora_config_of(model);
  // Layers covered: PEFT's layers_to_transform when not every layer has the adapter.
  std::set<std::string> paths;
  std::map<std::string, torch::Tensor> tensors;
  for (const auto& [path, lin] : model.linears()) {
    if (!lin->has_adapter()) continue;
    paths.insert(path);
    tensors[kPrefix + path + ".lora_A.weight"] = lin->lora_A->weight.detach().to(torch::kFloat32);
    tensors[kPrefix + path + ".lora_B.weight"] = lin->lora_B->weight.detach().to(torch::kFloat32);
  }
  const nlohmann::json j = adapter_config_to_json(cfg);
  // Every layer holding a targeted module must have it, else PEFT would attach more than we had.
  for (const auto& [path, lin] : model.linears())
    if (path != "lm_head" && std::count(cfg.target_modules.begin(), cfg.target_modules.end(), leaf_name(path)))
      TMF_CHECK(lin->has_adapter(), "LoRA: ", path, " has no adapter while other ", leaf_name(path),
                " layers do; PEFT's layout cannot express that");
  fs::create_directories(dir);
  st::save((fs::path(dir) / "adapter_model.safetensors").string(), tensors, {{"format", "pt"}});
  write_file_atomic((fs::path(dir) / "adapter_config.json").string(), j.dump(2) + "\n");
}

LoraConfig load_lora(LlamaImpl& model, const std::string& dir) {
  namespace fs = std::filesystem;
  const std::string cfg_path = (fs::path(dir) / "adapter_config.json").string();
  const std::string w_path = (fs::path(dir) / "adapter_model.safetensors").string();
  TMF_CHECK(fs::exists(cfg_path), "adapter folder '", dir, "' has no adapter_config.json");
  TMF_CHECK(fs::exists(w_path), "adapter folder '", dir, "' has no adapter_model.safetensors");
  const AdapterConfig ac = parse_adapter_config(read_json_file(cfg_path), cfg_path, model.config.num_hidden_layers);
  LoraConfig cfg = ac.lora;
  const std::set<std::string>& wanted_modules = ac.target_modules;
  const std::set<int64_t>& wanted_layers = ac.layers;

  st::Checkpoint ckpt(w_path);
  auto linears = model.linears();
  std::map<std::string, LoraLinear> by_path(linears.begin(), linears.end());
  std::map<std::string, std::pair<std::string, std::string>> found;  // module path -> (A key, B key)
  for (const auto& key : ckpt.names()) {
    TMF_CHECK(starts_with(key, kPrefix), w_path, ": key '", key, "' does not start with '", kPrefix, "'");
    std::string rest = key.substr(kPrefix.size());
    bool is_a = ends_with(rest, ".lora_A.weight"), is_b = ends_with(rest, ".lora_B.weight");
    TMF_CHECK(is_a || is_b, w_path, ": key '", key, "' is not a lora_A/lora_B weight");
    std::string path = rest.substr(0, rest.size() - std::string(".lora_A.weight").size());
    TMF_CHECK(by_path.count(path) && path != "lm_head", w_path, ": key '", key, "' names no adaptable module of this model");
    (is_a ? found[path].first : found[path].second) = key;
  }
  TMF_CHECK(!found.empty(), w_path, ": no LoRA tensors");
  // The weights must be exactly the modules the config names: PEFT would attach an adapter to every
  // one of them and to nothing else.
  auto layer_of = [](const std::string& path) -> int64_t {
    const std::string key = "layers.";
    auto at = path.find(key);
    return at == std::string::npos ? -1 : std::stoll(path.substr(at + key.size()));
  };
  for (const auto& [path, keys] : found) {
    TMF_CHECK(wanted_modules.empty() || wanted_modules.count(leaf_name(path)), w_path, ": holds an adapter for ", path,
              ", which target_modules in adapter_config.json leaves out");
    TMF_CHECK(wanted_layers.empty() || wanted_layers.count(layer_of(path)), w_path, ": holds an adapter for ", path,
              ", which layers_to_transform in adapter_config.json leaves out");
  }
  if (!wanted_modules.empty())
    for (const auto& [path, lin] : linears) {
      if (path == "lm_head" || !wanted_modules.count(leaf_name(path))) continue;
      if (!wanted_layers.empty() && !wanted_layers.count(layer_of(path))) continue;
      TMF_CHECK(found.count(path), cfg_path, ": target_modules", wanted_layers.empty() ? "" : " and layers_to_transform",
                " include ", path, ", but ", w_path, " has no lora_A/lora_B for it");
    }
  for (auto& [path, keys] : found) {
    TMF_CHECK(!keys.first.empty() && !keys.second.empty(), w_path, ": module ", path, " has only one of lora_A/lora_B");
    auto lin = by_path.at(path);
    auto a = st::load_tensor(ckpt, keys.first);
    auto b = st::load_tensor(ckpt, keys.second);
    st::check_weight_values(a, w_path, keys.first);
    st::check_weight_values(b, w_path, keys.second);
    TMF_CHECK(a.dim() == 2 && a.size(0) == cfg.r && a.size(1) == lin->in_features, w_path, ": ", keys.first,
              " has shape ", a.sizes(), ", expected [", cfg.r, ", ", lin->in_features, "]");
    TMF_CHECK(b.dim() == 2 && b.size(0) == lin->out_features && b.size(1) == cfg.r, w_path, ": ", keys.second,
              " has shape ", b.sizes(), ", expected [", lin->out_features, ", ", cfg.r, "]");
  }
  remove_lora(model);  // only after validation: a bad folder leaves the model unchanged
  std::set<std::string> targets;
  torch::NoGradGuard ng;
  for (auto& [path, keys] : found) {
    auto lin = by_path.at(path);
    lin->add_adapter(cfg.r, cfg.alpha, cfg.dropout, cfg.use_rslora);
    st::copy_weight(lin->lora_A->weight, st::load_tensor(ckpt, keys.first), w_path, keys.first);
    st::copy_weight(lin->lora_B->weight, st::load_tensor(ckpt, keys.second), w_path, keys.second);
    targets.insert(leaf_name(path));
  }
  cfg.target_modules.assign(targets.begin(), targets.end());
  return cfg;
}

}  // namespace tmf
