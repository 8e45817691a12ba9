// tmf.json, the manifest of a TMF model package (tmf/tmf_package.h): what it records and the one
// reader that checks every field's type and range before anything is loaded. Torch-free, so the
// reader is fuzzed on its own (tests/fuzz/fuzz_package_manifest.cpp).
#pragma once
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

namespace tmf {

struct PackageManifest {
  static constexpr const char* kFormat = "tmf-package";
  static constexpr int64_t kVersion = 1;
  static constexpr int64_t kMaxFusionHeads = 256;
  static constexpr int64_t kMaxHistory = 1'000'000;

  int64_t version = kVersion;
  std::string level = "cma";              // ablation level (tmf/ablation_level.h)
  int64_t fusion_heads = 1;               // AMSA/CMA heads, [1, kMaxFusionHeads]
  int64_t max_history = 0;                // 0: the whole sequence
  bool candidate_kinds = false, fusion_residual = false, candidates_in_context = false,
       fusion_unit_inputs = false, item_token_first = false;
  std::string dataset_name, dataset_hash; // Dataset::content_hash() of the dataset it was built for
  // "backbone" (the package's own folder) or the absolute path of a pretrained backbone, which then
  // has a backbone_fingerprint (llm/llama_config.h).
  std::string backbone = "backbone", backbone_fingerprint;
  bool lora = false;                      // adapter/ holds a PEFT LoRA folder
  bool clip = false;                      // clip/ holds the item CLIP
  std::string tokenizer_sha256;           // of tokenizer.model; empty in packages made before it
  nlohmann::json settings = nlohmann::json::object();  // training settings, seeds, versions
  std::string created;                    // ISO 8601
};

nlohmann::json manifest_to_json(const PackageManifest& m);

// Reads a parsed tmf.json. `dir` names the package in errors. Throws tmf::Error naming the package
// and the field for a foreign format, a newer version, a wrong type, a value out of range, an
// unknown level or a backbone path that is neither "backbone" nor absolute.
PackageManifest parse_package_manifest(const nlohmann::json& m, const std::string& dir);

// <dir>/tmf.json as JSON (a regular file, depth-checked); throws "not a TMF model package" without it.
nlohmann::json read_package_manifest_json(const std::string& dir);
// read_package_manifest_json, then parse_package_manifest.
PackageManifest read_package_manifest(const std::string& dir);

}  // namespace tmf
