#include "tmf/tmf_package.h"

#include <sys/stat.h>

#include <filesystem>

#include "data/dataset.h"
#include "llm/lora.h"
#include "llm/safetensors_torch.h"
#include "tmf/package_destination.h"
#include "tmf/package_manifest.h"
#include "util/error.h"
#include "util/json_file.h"
#include "util/sha256.h"
#include "util/strings.h"

namespace tmf {
namespace fs = std::filesystem;
namespace {
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
    PackageManifest m;
    m.level = level_name(model.level());
    m.fusion_heads = model.heads()->fusion->cfg.heads;
    m.max_history = model.max_history();
    m.candidate_kinds = model.candidate_kinds();
    m.fusion_residual = model.fusion_residual();
    m.candidates_in_context = model.candidates_in_context();
    m.fusion_unit_inputs = model.fusion_unit_inputs();
    m.item_token_first = model.item_token_first();
    m.dataset_name = info.dataset_name;
    m.dataset_hash = info.dataset_hash;
    m.backbone = info.backbone_reference.empty() ? "backbone" : info.backbone_reference;
    if (!info.backbone_reference.empty()) m.backbone_fingerprint = backbone_fingerprint(info.backbone_reference);
    m.settings = info.settings;
    m.created = now_iso8601();
    if (info.backbone_reference.empty()) {
      // The adapter is saved apart, so the base weights go out without it.
      bool merged = false;
      for (auto& [name, lin] : model.llm()->linears()) merged |= lin->merged();
      TMF_CHECK(!merged, "unmerge the LoRA adapter before saving a package");
      save_llama(*model.llm(), tmp + "/backbone");
    }
    m.lora = !lora_module_names(*model.llm()).empty();
    if (m.lora) save_lora(*model.llm(), tmp + "/adapter");
    fs::copy_file(info.tokenizer_path, tmp + "/tokenizer.model");
    m.tokenizer_sha256 = sha256_hex(read_file(tmp + "/tokenizer.model"));
    m.clip = !info.clip_dir.empty();
    if (m.clip) fs::copy(info.clip_dir, tmp + "/clip", fs::copy_options::recursive);
    st::save(tmp + "/heads.safetensors", named(*model.heads()));
    model.features().save(tmp + "/features.safetensors");
    write_file_atomic(tmp + "/tmf.json", manifest_to_json(m).dump(2));
  });
}

std::string package_hash(const std::string& dir) {
  return sha256_hex(read_file(dir + "/tmf.json") + read_file(dir + "/heads.safetensors"));
}

LoadedPackage load_package(const std::string& dir, const NameBook& names, const std::string& device,
                           const Dataset* dataset) {
  nlohmann::json manifest = read_package_manifest_json(dir);
  const PackageManifest m = parse_package_manifest(manifest, dir);
  PackageInfo info;
  info.dataset_name = m.dataset_name;
  info.dataset_hash = m.dataset_hash;
  info.settings = m.settings;
  if (m.backbone != "backbone") info.backbone_reference = m.backbone;
  if (dataset) {
    const std::string hash = dataset->content_hash();
    TMF_CHECK(hash == info.dataset_hash, "model package '", dir, "' was built for dataset '", info.dataset_name, "' (content ",
              info.dataset_hash.substr(0, 12), "), not for '", dataset->name(), "' (content ", hash.substr(0, 12), ")");
  }
  // A pretrained backbone outside the package must still be the one it was tuned on.
  if (m.backbone != "backbone") {
    const std::string found = backbone_fingerprint(m.backbone);
    TMF_CHECK(found == m.backbone_fingerprint, "model package '", dir, "' was tuned on another backbone than the one now at '",
              m.backbone, "' (fingerprint ", found.substr(0, 12), ", the package records ",
              m.backbone_fingerprint.substr(0, 12), ")");
  }
  const std::string backbone_dir = m.backbone == "backbone" ? dir + "/backbone" : m.backbone;
  LlamaLoadOptions lo;
  lo.device = device;
  Llama llm = load_llama(backbone_dir, lo);
  if (m.lora) load_lora(*llm, dir + "/adapter");
  const std::string tok_bytes = read_file(dir + "/tokenizer.model");
  // A tokenizer.model swapped in from elsewhere gives garbage answers: the package records its hash.
  TMF_CHECK(m.tokenizer_sha256.empty() || sha256_hex(tok_bytes) == m.tokenizer_sha256, "model package '", dir,
            "': tokenizer.model is not the one the model was trained with (sha256 ", sha256_hex(tok_bytes).substr(0, 12),
            ", the package records ", m.tokenizer_sha256.substr(0, 12), ")");
  Tokenizer tok = Tokenizer::load(dir + "/tokenizer.model");
  ItemFeatures feats = ItemFeatures::load(dir + "/features.safetensors");
  TmfModel model(llm, std::move(tok), std::move(feats), names, parse_level(m.level), m.fusion_heads);
  model.set_max_history(m.max_history);
  model.set_candidate_kinds(m.candidate_kinds);
  model.set_fusion_residual(m.fusion_residual);
  model.set_candidates_in_context(m.candidates_in_context);
  model.set_fusion_unit_inputs(m.fusion_unit_inputs);
  model.set_item_token_first(m.item_token_first);
  // Heads: every parameter must be in the file with its shape, as a finite floating-point tensor.
  auto saved = st::load_all(dir + "/heads.safetensors");
  st::copy_weights(st::parameter_list(model.heads()->named_parameters()), saved,
                   "model package '" + dir + "': heads.safetensors");
  model.llm()->eval();
  model.heads()->eval();
  return LoadedPackage{std::move(model), std::move(info), std::move(manifest)};
}

}  // namespace tmf
