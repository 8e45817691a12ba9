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
  nlohmann::json m;
  try {
    const std::string text = read_file(manifest_path);
    check_json_depth(text, "model package '" + dir + "' tmf.json");
    m = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    fail("model package '", dir, "' is corrupt: tmf.json does not parse (", e.what(), ")");
  }
  TMF_CHECK(m.value("format", "") == kFormat, "'", dir, "' is not a TMF model package (format '", m.value("format", ""), "')");
  TMF_CHECK(m.value("version", 0) <= kVersion, "model package '", dir, "' has version ", m.value("version", 0),
            "; this TMF Studio reads up to ", kVersion);
  PackageInfo info;
  try {
    info.dataset_name = m.at("dataset").at("name").get<std::string>();
    info.dataset_hash = m.at("dataset").at("content_hash").get<std::string>();
    info.settings = m.value("settings", nlohmann::json::object());
  } catch (const nlohmann::json::exception& e) {
    fail("model package '", dir, "' is corrupt: ", e.what());
  }
  if (dataset) {
    const std::string hash = dataset->content_hash();
    TMF_CHECK(hash == info.dataset_hash, "model package '", dir, "' was built for dataset '", info.dataset_name, "' (content ",
              info.dataset_hash.substr(0, 12), "), not for '", dataset->name(), "' (content ", hash.substr(0, 12), ")");
  }
  const std::string backbone = m.value("backbone", std::string("backbone"));
  const std::string backbone_dir = backbone == "backbone" ? dir + "/backbone" : backbone;
  LlamaLoadOptions lo;
  lo.device = device;
  Llama llm = load_llama(backbone_dir, lo);
  if (m.value("lora", false)) load_lora(*llm, dir + "/adapter");
  Tokenizer tok = Tokenizer::load(dir + "/tokenizer.model");
  ItemFeatures feats = ItemFeatures::load(dir + "/features.safetensors");
  TmfModel model(llm, std::move(tok), std::move(feats), names, parse_level(m.value("level", std::string("cma"))),
                 m.value("fusion_heads", int64_t(1)));
  model.set_max_history(m.value("max_history", int64_t(0)));
  model.set_candidate_kinds(m.value("candidate_kinds", false));
  model.set_fusion_residual(m.value("fusion_residual", false));
  model.set_candidates_in_context(m.value("candidates_in_context", false));
  model.set_fusion_unit_inputs(m.value("fusion_unit_inputs", false));
  model.set_item_token_first(m.value("item_token_first", false));
  // Heads: every parameter must be in the file with its shape.
  auto saved = st::load_all(dir + "/heads.safetensors");
  {
    torch::NoGradGuard ng;
    for (auto& p : model.heads()->named_parameters()) {
      auto it = saved.find(p.key());
      TMF_CHECK(it != saved.end(), "model package '", dir, "' is corrupt: heads.safetensors lacks '", p.key(), "'");
      TMF_CHECK(it->second.sizes() == p.value().sizes(), "model package '", dir, "': '", p.key(), "' has shape ",
                it->second.sizes(), ", the model expects ", p.value().sizes());
      p.value().copy_(it->second);
    }
  }
  model.llm()->eval();
  model.heads()->eval();
  return LoadedPackage{std::move(model), std::move(info), std::move(m)};
}

}  // namespace tmf
