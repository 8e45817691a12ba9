// adapter_config.json (llm/lora_config.h), torch-free: PEFT's own file reads, what we write reads
// back the same, and every field we cannot honour is refused by name before a weight is read.
// (Honouring target_modules / layers_to_transform against the weights: lora_test.cpp.)
#include <gtest/gtest.h>

#include "llm/lora_config.h"
#include "util/error.h"
#include "util/json_file.h"

namespace {

nlohmann::json peft() { return tmf::read_json_file(std::string(TMF_SHARED_DIR) + "/fixtures/hf-tiny/lora/adapter_config.json"); }

std::string error_of(const nlohmann::json& j) {
  try {
    tmf::parse_adapter_config(j, "adapter_config.json", 4);
  } catch (const tmf::Error& e) {
    return e.what();
  }
  return "(accepted)";
}

nlohmann::json with(const char* key, nlohmann::json value) {
  nlohmann::json j = peft();
  j[key] = std::move(value);
  return j;
}

TEST(AdapterConfig, PeftsFileReads) {
  const tmf::AdapterConfig a = tmf::parse_adapter_config(peft(), "adapter_config.json", 2);
  EXPECT_EQ(a.lora.r, 4);
  EXPECT_DOUBLE_EQ(a.lora.alpha, 8.0);
  EXPECT_DOUBLE_EQ(a.lora.dropout, 0.0);
  EXPECT_FALSE(a.lora.use_rslora);
  EXPECT_EQ(a.target_modules, (std::set<std::string>{"q_proj", "v_proj"}));
  EXPECT_TRUE(a.layers.empty());
}

TEST(AdapterConfig, WhatIsWrittenReadsBackTheSame) {
  tmf::LoraConfig c;
  c.r = 16;
  c.alpha = 32;
  c.dropout = 0.05;
  c.use_rslora = true;
  c.target_modules = {"down_proj", "q_proj", "v_proj"};
  const tmf::AdapterConfig a = tmf::parse_adapter_config(tmf::adapter_config_to_json(c), "a", 4);
  EXPECT_EQ(a.lora.r, 16);
  EXPECT_DOUBLE_EQ(a.lora.alpha, 32);
  EXPECT_DOUBLE_EQ(a.lora.dropout, 0.05);
  EXPECT_TRUE(a.lora.use_rslora);
  EXPECT_EQ(a.lora.target_modules, c.target_modules);
  EXPECT_EQ(a.target_modules.size(), 3u);
}

TEST(AdapterConfig, AllLinearAndLayerSubsets) {
  EXPECT_EQ(tmf::parse_adapter_config(with("target_modules", "all-linear"), "a", 4).target_modules, tmf::lora_target_names());
  EXPECT_EQ(tmf::parse_adapter_config(with("layers_to_transform", 1), "a", 4).layers, (std::set<int64_t>{1}));
  EXPECT_EQ(tmf::parse_adapter_config(with("layers_to_transform", {0, 3}), "a", 4).layers, (std::set<int64_t>{0, 3}));
  EXPECT_EQ(error_of(with("layers_pattern", "layers")), "(accepted)");
  EXPECT_EQ(error_of(with("lora_bias", false)), "(accepted)");
}

TEST(AdapterConfig, EachUnsupportedOrBadFieldIsRefusedByName) {
  auto expect = [](const nlohmann::json& j, const std::string& part) {
    const std::string e = error_of(j);
    EXPECT_NE(e.find("adapter_config.json"), std::string::npos) << e;
    EXPECT_NE(e.find(part), std::string::npos) << j.dump() << " -> " << e;
  };
  expect(nlohmann::json::array(), "not a JSON object");
  expect(with("peft_type", "PREFIX_TUNING"), "peft_type 'PREFIX_TUNING' is not LORA");
  expect(with("r", 0), "r must be in [1, 65536], got 0");
  expect(with("r", "8"), "required field 'r' is missing or not an integer (\"8\")");
  expect(with("r", 4.5), "not an integer");
  expect(with("lora_alpha", "16"), "'lora_alpha' must be a number, got \"16\"");
  expect(with("lora_dropout", 1.0), "lora_dropout must be in [0, 1), got 1");
  expect(with("use_rslora", "yes"), "'use_rslora' must be true/false");
  expect(with("use_dora", true), "'use_dora' = true is not supported");
  expect(with("rank_pattern", {{"q_proj", 8}}), "'rank_pattern'");
  expect(with("modules_to_save", {"lm_head"}), "'modules_to_save'");
  expect(with("exclude_modules", {"v_proj"}), "'exclude_modules'");
  expect(with("target_modules", ".*proj"), "is a regular expression, which is not supported");
  expect(with("target_modules", {"q_proj", "attn"}), "target_modules entry \"attn\" is not one of");
  expect(with("target_modules", nlohmann::json::array()), "target_modules must be a list of module names");
  expect(with("layers_to_transform", 4), "layers_to_transform entry 4 is not a layer index of this model [0, 4)");
  expect(with("layers_to_transform", nlohmann::json::array()), "layers_to_transform is an empty list");
  expect(with("layers_pattern", "h"), "layers_pattern \"h\" is not supported");
  expect(with("bias", "all"), "bias 'all' is not supported");
  expect(with("bias", 1), "adapter_config.json: ");
}

}  // namespace
