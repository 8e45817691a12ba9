#include "tmf/package_manifest.h"

#include <filesystem>

#include "tmf/ablation_level.h"
#include "util/error.h"
#include "util/json_file.h"
#include "util/strings.h"

namespace tmf {
namespace fs = std::filesystem;

nlohmann::json manifest_to_json(const PackageManifest& p) {
  nlohmann::json m;
  m["format"] = PackageManifest::kFormat;
  m["version"] = p.version;
  m["level"] = p.level;
  m["fusion_heads"] = p.fusion_heads;
  m["max_history"] = p.max_history;
  m["candidate_kinds"] = p.candidate_kinds;
  m["fusion_residual"] = p.fusion_residual;
  m["candidates_in_context"] = p.candidates_in_context;
  m["fusion_unit_inputs"] = p.fusion_unit_inputs;
  m["item_token_first"] = p.item_token_first;
  m["dataset"] = {{"name", p.dataset_name}, {"content_hash", p.dataset_hash}};
  m["backbone"] = p.backbone;
  if (!p.backbone_fingerprint.empty()) m["backbone_fingerprint"] = p.backbone_fingerprint;
  m["settings"] = p.settings;
  m["created"] = p.created;
  m["lora"] = p.lora;
  m["tokenizer_sha256"] = p.tokenizer_sha256;
  m["clip"] = p.clip;
  return m;
}

PackageManifest parse_package_manifest(const nlohmann::json& m, const std::string& dir) {
  TMF_CHECK(m.is_object(), "'", dir, "' is not a TMF model package (tmf.json is not a JSON object)");
  PackageManifest p;
  const char* field = "";
  try {
    auto get = [&](const char* key, auto def) {
      field = key;
      return m.value(key, def);
    };
    const std::string format = get("format", std::string());
    TMF_CHECK(format == PackageManifest::kFormat, "'", dir, "' is not a TMF model package (format '", format, "')");
    p.version = get("version", int64_t(0));
    TMF_CHECK(p.version >= 0 && p.version <= PackageManifest::kVersion, "model package '", dir, "' has version ",
              p.version, "; this TMF Studio reads versions 0 to ", PackageManifest::kVersion);
    field = "dataset";
    p.dataset_name = m.at("dataset").at("name").get<std::string>();
    p.dataset_hash = m.at("dataset").at("content_hash").get<std::string>();
    p.settings = get("settings", nlohmann::json::object());
    TMF_CHECK(p.settings.is_object(), "model package '", dir, "' is corrupt: tmf.json field 'settings' is ",
              p.settings.type_name(), ", not an object");
    p.backbone = get("backbone", std::string("backbone"));
    p.backbone_fingerprint = get("backbone_fingerprint", std::string());
    p.level = get("level", std::string("cma"));
    p.tokenizer_sha256 = get("tokenizer_sha256", std::string());
    p.fusion_heads = get("fusion_heads", int64_t(1));
    p.max_history = get("max_history", int64_t(0));
    p.lora = get("lora", false);
    p.clip = get("clip", false);
    p.candidate_kinds = get("candidate_kinds", false);
    p.fusion_residual = get("fusion_residual", false);
    p.candidates_in_context = get("candidates_in_context", false);
    p.fusion_unit_inputs = get("fusion_unit_inputs", false);
    p.item_token_first = get("item_token_first", false);
    p.created = get("created", std::string());
  } catch (const nlohmann::json::exception& e) {
    fail("model package '", dir, "' is corrupt: tmf.json field '", field, "': ", e.what());
  }
  try {
    p.level = level_name(parse_level(p.level));
  } catch (const Error& e) {
    fail("model package '", dir, "' is corrupt: tmf.json field 'level': ", e.what());
  }
  TMF_CHECK(p.fusion_heads >= 1 && p.fusion_heads <= PackageManifest::kMaxFusionHeads, "model package '", dir,
            "' is corrupt: tmf.json field 'fusion_heads' is ", p.fusion_heads, "; it must be in [1, ",
            PackageManifest::kMaxFusionHeads, "]");
  TMF_CHECK(p.max_history >= 0 && p.max_history <= PackageManifest::kMaxHistory, "model package '", dir,
            "' is corrupt: tmf.json field 'max_history' is ", p.max_history, "; it must be in [0, ",
            PackageManifest::kMaxHistory, "] (0: the whole sequence)");
  for (const auto* s : {&p.dataset_name, &p.backbone, &p.level})
    TMF_CHECK(text_problem(*s).empty(), "model package '", dir, "' is corrupt: tmf.json holds text with ", text_problem(*s));
  // The backbone is the package's own folder, or a pretrained one it was tuned on (LoRA), named by
  // absolute path and recorded by fingerprint: a hand-edited path cannot swap in another model.
  if (p.backbone != "backbone") {
    TMF_CHECK(fs::path(p.backbone).is_absolute(), "model package '", dir, "': tmf.json names backbone '", p.backbone,
              "'; it must be \"backbone\" (the folder inside the package) or the absolute path of a pretrained backbone");
    TMF_CHECK(!p.backbone_fingerprint.empty(), "model package '", dir, "' refers to the backbone '", p.backbone,
              "' outside itself but records no backbone_fingerprint to check it by; retrain the package");
  }
  return p;
}

nlohmann::json read_package_manifest_json(const std::string& dir) {
  const std::string path = dir + "/tmf.json";
  TMF_CHECK(fs::is_regular_file(path), "'", dir, "' is not a TMF model package (no tmf.json)");
  return parse_json(read_file(path), "model package '" + dir + "': tmf.json");
}

PackageManifest read_package_manifest(const std::string& dir) {
  return parse_package_manifest(read_package_manifest_json(dir), dir);
}

}  // namespace tmf
