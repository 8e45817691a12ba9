// LlamaConfig: reading the fixture, defaults, write/read round trip, and clear errors.
#include <gtest/gtest.h>

#include "llm_test_util.h"
#include "llm/llama_config.h"
#include "util/error.h"

using namespace tmf;
using nlohmann::json;

namespace {

json base_json() {
  return json{{"vocab_size", 100}, {"hidden_size", 64}, {"intermediate_size", 128}, {"num_hidden_layers", 2},
              {"num_attention_heads", 4}};
}

std::string error_of(const json& j) {
  try {
    parse_llama_config(j, "cfg.json");
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(LlamaConfig, ReadsFixture) {
  auto c = load_llama_config(test::fixture("llama"));
  EXPECT_EQ(c.vocab_size, 384);
  EXPECT_EQ(c.hidden_size, 64);
  EXPECT_EQ(c.num_attention_heads, 4);
  EXPECT_EQ(c.num_key_value_heads, 2);
  EXPECT_EQ(c.head_dim, 16);
  EXPECT_EQ(c.intermediate_size, 176);
  EXPECT_DOUBLE_EQ(c.rope_theta, 10000.0);
  EXPECT_DOUBLE_EQ(c.rms_norm_eps, 1e-5);
  EXPECT_EQ(c.bos_token_id, 1);
  ASSERT_EQ(c.eos_token_ids.size(), 1u);
  EXPECT_EQ(c.eos_token_ids[0], 2);
  EXPECT_FALSE(c.tie_word_embeddings);
}

TEST(LlamaConfig, DefaultsAndVariants) {
  auto j = base_json();
  auto c = parse_llama_config(j, "x");
  EXPECT_EQ(c.head_dim, 16);
  EXPECT_EQ(c.num_key_value_heads, 4);
  EXPECT_DOUBLE_EQ(c.rope_theta, 10000.0);
  j["rope_theta"] = 500000.0;
  j["eos_token_id"] = {2, 7};
  j["rope_scaling"] = nullptr;
  c = parse_llama_config(j, "x");
  EXPECT_DOUBLE_EQ(c.rope_theta, 500000.0);
  EXPECT_EQ(c.eos_token_ids, (std::vector<int64_t>{2, 7}));
  j["rope_scaling"] = {{"rope_type", "llama3"}, {"factor", 8.0}, {"low_freq_factor", 1.0}, {"high_freq_factor", 4.0},
                       {"original_max_position_embeddings", 8192}};
  c = parse_llama_config(j, "x");
  EXPECT_EQ(c.rope_scaling.type, "llama3");
  EXPECT_EQ(c.rope_scaling.original_max_position_embeddings, 8192);
}

TEST(LlamaConfig, RoundTrip) {
  auto c = load_llama_config(test::fixture("llama"));
  c.eos_token_ids = {2, 3};
  c.tie_word_embeddings = true;
  auto dir = test::scratch("config_roundtrip");
  save_llama_config(c, dir + "/config.json");
  auto d = load_llama_config(dir);
  EXPECT_EQ(llama_config_to_json(c), llama_config_to_json(d));
}

TEST(LlamaConfig, Errors) {
  auto j = base_json();
  j.erase("hidden_size");
  auto e = error_of(j);
  EXPECT_NE(e.find("hidden_size"), std::string::npos) << e;
  EXPECT_NE(e.find("cfg.json"), std::string::npos) << e;

  j = base_json();
  j["rope_scaling"] = {{"type", "yarn"}, {"factor", 4.0}};
  e = error_of(j);
  EXPECT_NE(e.find("yarn"), std::string::npos) << e;
  j = base_json();
  j["rope_parameters"] = {{"rope_type", "dynamic"}, {"rope_theta", 10000.0}};
  e = error_of(j);
  EXPECT_NE(e.find("dynamic"), std::string::npos) << e;

  j = base_json();
  j["num_key_value_heads"] = 3;
  e = error_of(j);
  EXPECT_NE(e.find("num_attention_heads 4 is not divisible by num_key_value_heads 3"), std::string::npos) << e;

  j = base_json();
  j["num_attention_heads"] = 5;
  e = error_of(j);
  EXPECT_NE(e.find("hidden_size 64 is not divisible by num_attention_heads 5"), std::string::npos) << e;

  j = base_json();
  j["vocab_size"] = "many";
  e = error_of(j);
  EXPECT_NE(e.find("vocab_size"), std::string::npos) << e;

  EXPECT_THROW(load_llama_config("/nonexistent/dir"), Error);
}
