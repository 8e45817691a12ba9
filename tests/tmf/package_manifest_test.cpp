// tmf.json (tmf/package_manifest.h), torch-free: what a package records reads back the same, a
// package from before a field existed gets that field's default, and each hand-edited or corrupt
// field is refused with the package and the field named, before any weight is read.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "tmf/package_manifest.h"
#include "util/error.h"

namespace {

nlohmann::json minimal() {
  return {{"format", "tmf-package"}, {"dataset", {{"name", "pets"}, {"content_hash", "ab12"}}}};
}

std::string error_of(const nlohmann::json& j) {
  try {
    tmf::parse_package_manifest(j, "pkg");
  } catch (const tmf::Error& e) {
    return e.what();
  }
  return "(accepted)";
}

nlohmann::json with(const char* key, nlohmann::json value) {
  nlohmann::json j = minimal();
  j[key] = std::move(value);
  return j;
}

TEST(PackageManifest, WhatIsWrittenReadsBackTheSame) {
  tmf::PackageManifest m;
  m.level = "amsa";
  m.fusion_heads = 4;
  m.max_history = 12;
  m.candidate_kinds = m.item_token_first = true;
  m.dataset_name = "electronics";
  m.dataset_hash = "d01d";
  m.backbone = "/models/llama-7b";
  m.backbone_fingerprint = std::string(64, 'f');
  m.lora = m.clip = true;
  m.tokenizer_sha256 = "2c55";
  m.settings = {{"seed", 7}, {"steps", 600}};
  m.created = "2026-12-07T22:09:25Z";
  const tmf::PackageManifest back = tmf::parse_package_manifest(tmf::manifest_to_json(m), "pkg");
  EXPECT_EQ(back.level, "amsa");
  EXPECT_EQ(back.fusion_heads, 4);
  EXPECT_EQ(back.max_history, 12);
  EXPECT_TRUE(back.candidate_kinds && back.item_token_first && back.lora && back.clip);
  EXPECT_FALSE(back.fusion_residual || back.candidates_in_context || back.fusion_unit_inputs);
  EXPECT_EQ(back.dataset_name, "electronics");
  EXPECT_EQ(back.dataset_hash, "d01d");
  EXPECT_EQ(back.backbone, "/models/llama-7b");
  EXPECT_EQ(back.backbone_fingerprint, m.backbone_fingerprint);
  EXPECT_EQ(back.tokenizer_sha256, "2c55");
  EXPECT_EQ(back.settings, m.settings);
  EXPECT_EQ(back.created, m.created);
  EXPECT_EQ(tmf::manifest_to_json(back), tmf::manifest_to_json(m));
}

TEST(PackageManifest, AnOlderPackageGetsTheDefaults) {
  const tmf::PackageManifest m = tmf::parse_package_manifest(minimal(), "pkg");
  EXPECT_EQ(m.version, 0);
  EXPECT_EQ(m.level, "cma");
  EXPECT_EQ(m.fusion_heads, 1);
  EXPECT_EQ(m.max_history, 0);
  EXPECT_EQ(m.backbone, "backbone");
  EXPECT_FALSE(m.lora || m.clip || m.candidate_kinds);
  EXPECT_TRUE(m.tokenizer_sha256.empty());
  EXPECT_EQ(tmf::parse_package_manifest(with("level", "full"), "pkg").level, "cma");
}

TEST(PackageManifest, EachBadFieldIsRefusedByName) {
  auto expect = [](const nlohmann::json& j, const std::string& part) {
    const std::string e = error_of(j);
    EXPECT_NE(e.find("pkg"), std::string::npos) << e;
    EXPECT_NE(e.find(part), std::string::npos) << j.dump() << " -> " << e;
  };
  expect(nlohmann::json::array(), "not a JSON object");
  expect(with("format", "gguf"), "is not a TMF model package (format 'gguf')");
  expect(with("version", 2), "has version 2; this TMF Studio reads versions 0 to 1");
  expect(with("version", -1), "has version -1");
  expect(with("version", "1"), "field 'version'");
  expect(with("dataset", "pets"), "field 'dataset'");
  expect(with("dataset", {{"name", "pets"}}), "field 'dataset'");
  expect(with("level", "bogus"), "field 'level'");
  expect(with("level", 3), "field 'level'");
  expect(with("fusion_heads", 0), "'fusion_heads' is 0; it must be in [1, 256]");
  expect(with("fusion_heads", -4), "'fusion_heads' is -4");
  expect(with("fusion_heads", 100000), "'fusion_heads' is 100000");
  expect(with("fusion_heads", "2"), "field 'fusion_heads'");
  expect(with("max_history", -1), "'max_history' is -1; it must be in [0, 1000000]");
  expect(with("lora", "yes"), "field 'lora'");
  expect(with("settings", nlohmann::json::array()), "field 'settings' is array, not an object");
  expect(with("backbone", "../other"), "must be \"backbone\" (the folder inside the package) or the absolute path");
  expect(with("backbone", "/models/llama"), "records no backbone_fingerprint");
  expect(with("dataset", {{"name", std::string("a\0b", 3)}, {"content_hash", "x"}}), "NUL");
  EXPECT_EQ(error_of(minimal()), "(accepted)");
}

TEST(PackageManifest, ReadsOnlyARegularTmfJson) {
  const std::string dir = std::string(TMF_BINARY_DIR) + "/test-tmp/package-manifest";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  try {
    tmf::read_package_manifest(dir);
    FAIL() << "a folder without tmf.json was read";
  } catch (const tmf::Error& e) {
    EXPECT_NE(std::string(e.what()).find("is not a TMF model package (no tmf.json)"), std::string::npos) << e.what();
  }
  ASSERT_EQ(::mkfifo((dir + "/tmf.json").c_str(), 0600), 0);  // would block a reader forever
  EXPECT_THROW(tmf::read_package_manifest(dir), tmf::Error);
  std::filesystem::remove(dir + "/tmf.json");
  std::ofstream(dir + "/tmf.json") << minimal().dump();
  EXPECT_EQ(tmf::read_package_manifest(dir).dataset_name, "pets");
  std::ofstream(dir + "/tmf.json") << "{\"format\": \"tmf-package\", ";
  EXPECT_THROW(tmf::read_package_manifest(dir), tmf::Error);
}

}  // namespace
