#include "tmf/tmf_package.h"

#include <sys/stat.h>

#include <filesystem>

#include "data/dataset.h"
#include "llm/lora.h"
#include "llm/safetensors_torch.h"
#include "tmf/package_destination.h"
#include "util/error.h"
#include "util/json_file.h"
#include "util/sha256.h"
#include "util/strings.h"

namespace tmf {
namespace fs = std::filesystem;
namespace {
constexpr const char* kFormat = "tmf-package";
constexpr int kVersion = 1;

std::map<std::string, torch::Tensor> named(torch::nn::Module& m) {
  std::map<std::string, torch::Tensor> out;
  for (auto& p : m.named_parameters()) out[p.key()] = p.value().detach().to(torch::kCPU, torch::kFloat32);
  return out;
}
}  // namespace

void save_package(TmfModel& model, const std::string& dir, const PackageInfo& info) {
  TMF_CHECK(!info.tokenizer_path.empty(), "save_package needs the tokenizer.model path");
  // Written beside `dir`, then renamed in: a failed save changes nothing, and only an empty folder
  // or an older package is ever replaced (tmf/package_destination.h).
  write_package_atomically(dir, [&](const std::string& tmp) {
    nlohmann::json m;
    m["format"] = kFormat;
    m["version"] = kVersion;
    m["level"] = level_name(model.level());
    m["fusion_heads"] = model.heads()->fusion->cfg.heads;
    m["max_history"] = model.max_history();
    m["candidate_kinds"] = model.candidate_kinds();
    m["fusion_residual"] = model.fusion_residual();
    m["candidates_in_context"] = model.candidates_in_context();
    m["fusion_unit_inputs"] = model.fusion_unit_inputs();
    m["item_token_first"] = model.item_token_first();
    m["dataset"] = {{"name", info.dataset_name}, {"content_hash", info.dataset_hash}};
    m["backbone"] = info.backbone_reference.empty() ? nlohmann::json("backbone")
                                                    : nlohmann::json(info.backbone_reference);
    if (!info.backbone_reference.empty())
      m["backbone_fingerprint"] = backbone_fingerprint(info.backbone_reference);
    m["settings"] = info.settings;
    m["created"] = now_iso8601();
    if (info.backbone_reference.empty()) {
      // The adapter is saved apart, so the base weights go out without it.
      bool merged = false;
      for (auto& [name, lin] : model.llm()->linears()) merged |= lin->merged();
      TMF_CHECK(!merged, "unmerge the LoRA adapter before saving a package");
      save_llama(*model.llm(), tmp + "/backbone");
    }
    bool has_lora = !lora_module_names(*model.llm()).empty();
    m["lora"] = has_lora;
    if (has_lora) save_lora(*model.llm(), tmp + "/adapter");
    fs::copy_file(info.tokenizer_path, tmp + "/tokenizer.model");
    m["tokenizer_sha256"] = sha256_hex(read_file(tmp + "/tokenizer.model"));
    m["clip"] = !info.clip_dir.empty();
    if (!info.clip_dir.empty()) fs::copy(info.clip_dir, tmp + "/clip", fs::copy_options::recursive);
    st::save(tmp + "/heads.safetensors", named(*model.heads()));
    model.features().save(tmp + "/features.safetensors");
    write_file_atomic(tmp + "/tmf.json", m.dump(2));
  });
}

std::string package_hash(const std::string& dir) {
  return sha256_hex(read_file(dir + "/tmf.json") + read_file(dir + "/heads.safetensors"));
}

LoadedPackage load_package(const std::string& dir, const NameBook& names, const std::string& device,
                           const Dataset* dataset) {
  const std::string manifest_path = dir + "/tmf.json";
  TMF_CHECK(fs::is_regular_file(manifest_path), "'", dir, "' is not a TMF model package (no tmf.json)");
  nlohmann::json m = parse_json(read_file(manifest_path), "model package '" + dir + "': tmf.json");
  // Every field is read here, so that a wrong type names the file and the field.
  std::string format, backbone, level, tokenizer_sha, backbone_print;
  int64_t version = 0, fusion_heads = 1, max_history = 0;
  bool lora = false, candidate_kinds = false, fusion_residual = false, in_context = false, unit_inputs = false,
       token_first = false;
  PackageInfo info;
  const char* field = "";
  try {
    auto get = [&](const char* key, auto def) {
      field = key;
      return m.value(key, def);
    };
    format = get("format", std::string());
    TMF_CHECK(format == kFormat, "'", dir, "' is not a TMF model package (format '", format, "')");
    version = get("version", int64_t(0));
    TMF_CHECK(version <= kVersion, "model package '", dir, "' has version ", version, "; this TMF Studio reads up to ",
              kVersion);
    field = "dataset";
    info.dataset_name = m.at("dataset").at("name").get<std::string>();
    info.dataset_hash = m.at("dataset").at("content_hash").get<std::string>();
    info.settings = get("settings", nlohmann::json::object());
    backbone = get("backbone", std::string("backbone"));
    backbone_print = get("backbone_fingerprint", std::string());
    level = get("level", std::string("cma"));
    tokenizer_sha = get("tokenizer_sha256", std::string());
    fusion_heads = get("fusion_heads", int64_t(1));
    max_history = get("max_history", int64_t(0));
    lora = get("lora", false);
    candidate_kinds = get("candidate_kinds", false);
    fusion_residual = get("fusion_residual", false);
    in_context = get("candidates_in_context", false);
    unit_inputs = get("fusion_unit_inputs", false);
    token_first = get("item_token_first", false);
  } catch (const nlohmann::json::exception& e) {
    fail("model package '", dir, "' is corrupt: tmf.json field '", field, "': ", e.what());
  }
  if (dataset) {
    const std::string hash = dataset->content_hash();
    TMF_CHECK(hash == info.dataset_hash, "model package '", dir, "' was built for dataset '", info.dataset_name, "' (content ",
              info.dataset_hash.substr(0, 12), "), not for '", dataset->name(), "' (content ", hash.substr(0, 12), ")");
  }
  // The backbone is the package's own folder, or a pretrained one it was tuned on (LoRA), named by
  // absolute path and recorded by fingerprint: a hand-edited path cannot swap in another model.
  if (backbone != "backbone") {
    TMF_CHECK(fs::path(backbone).is_absolute(), "model package '", dir, "': tmf.json names backbone '", backbone,
              "'; it must be \"backbone\" (the folder inside the package) or the absolute path of a pretrained backbone");
    TMF_CHECK(!backbone_print.empty(), "model package '", dir, "' refers to the backbone '", backbone,
              "' outside itself but records no backbone_fingerprint to check it by; retrain the package");
    const std::string found = backbone_fingerprint(backbone);
    TMF_CHECK(found == backbone_print, "model package '", dir, "' was tuned on another backbone than the one now at '",
              backbone, "' (fingerprint ", found.substr(0, 12), ", the package records ", backbone_print.substr(0, 12), ")");
  }
  const std::string backbone_dir = backbone == "backbone" ? dir + "/backbone" : backbone;
  LlamaLoadOptions lo;
  lo.device = device;
  Llama llm = load_llama(backbone_dir, lo);
  if (lora) load_lora(*llm, dir + "/adapter");
  const std::string tok_bytes = read_file(dir + "/tokenizer.model");
  // A tokenizer.model swapped in from elsewhere gives garbage answers: the package records its hash.
  TMF_CHECK(tokenizer_sha.empty() || sha256_hex(tok_bytes) == tokenizer_sha, "model package '", dir,
            "': tokenizer.model is not the one the model was trained with (sha256 ", sha256_hex(tok_bytes).substr(0, 12),
            ", the package records ", tokenizer_sha.substr(0, 12), ")");
  Tokenizer tok = Tokenizer::load(dir + "/tokenizer.model");
  ItemFeatures feats = ItemFeatures::load(dir + "/features.safetensors");
  TmfModel model(llm, std::move(tok), std::move(feats), names, parse_level(level), fusion_heads);
  model.set_max_history(max_history);
  model.set_candidate_kinds(candidate_kinds);
  model.set_fusion_residual(fusion_residual);
  model.set_candidates_in_context(in_context);
  model.set_fusion_unit_inputs(unit_inputs);
  model.set_item_token_first(token_first);
  // Heads: every parameter must be in the file with its shape, as a finite floating-point tensor.
  auto saved = st::load_all(dir + "/heads.safetensors");
  st::copy_weights(st::parameter_list(model.heads()->named_parameters()), saved,
                   "model package '" + dir + "': heads.safetensors");
  model.llm()->eval();
  model.heads()->eval();
  return LoadedPackage{std::move(model), std::move(info), std::move(m)};
}

}  // namespace tmf
