// A TMF model package: one directory that holds everything inference needs, in safetensors + JSON
// (never pickle):
//   tmf.json               format/version, ablation level, fusion heads, LoRA settings, the
//                          dataset's name and content hash, the backbone reference, settings
//   backbone/              HF layout (config.json + model.safetensors), when trained here; else
//                          tmf.json names the user's checkpoint directory
//   adapter/               PEFT LoRA folder (adapter_config.json + adapter_model.safetensors)
//   tokenizer.model        SentencePiece model ([MT_i]/[MT_b] are re-registered on load)
//   heads.safetensors      fusion module and adaptors, keyed by module path
//   features.safetensors   the frozen item/behavior features (image, text, graph) by dataset id
//   clip/                  the item CLIP that made the image/text features (embeds new items)
// Loading checks the package against the dataset it is used with and fails with a clear message
// for another dataset or a corrupt package.
#pragma once
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "tmf/tmf_model.h"

namespace tmf {

class Dataset;

struct PackageInfo {
  std::string dataset_name;
  std::string dataset_hash;        // Dataset::content_hash()
  std::string tokenizer_path;      // the tokenizer.model to copy into the package
  std::string backbone_reference;  // empty: the backbone is saved into the package
  std::string clip_dir;            // the item CLIP (HF layout) to copy into clip/, so new items can be
                                   // embedded at inference; empty: the package cannot embed new items
  nlohmann::json settings = nlohmann::json::object();  // training settings, seeds, versions
};

void save_package(TmfModel& model, const std::string& dir, const PackageInfo& info);

struct LoadedPackage {
  TmfModel model;
  PackageInfo info;
  nlohmann::json manifest;
};
// The package's identity for stored evaluation runs: SHA-256 of tmf.json and heads.safetensors.
std::string package_hash(const std::string& dir);

// `dataset`: when given, the package must have been built for it (same content hash).
// `names`: item/behavior names for prompts (NameBook::of(dataset)); required.
LoadedPackage load_package(const std::string& dir, const NameBook& names, const std::string& device = "cpu",
                           const Dataset* dataset = nullptr);

}  // namespace tmf
