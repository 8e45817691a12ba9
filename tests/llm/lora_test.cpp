// LoRA: PEFT adapter logits, merge/unmerge, PEFT-layout save/load, init, freezing, dropout, errors.
#include <gtest/gtest.h>

#include <functional>

#include <nlohmann/json.hpp>

#include "llm_test_util.h"
#include "util/error.h"
#include "util/strings.h"

using namespace tmf;
using test::gold;
using test::max_abs;

namespace {
Llama fixture_with_adapter() {
  auto m = load_llama(test::fixture("llama"));
  load_lora(*m, test::fixture("lora"));
  m->eval();
  return m;
}
}  // namespace

TEST(Lora, PeftAdapterLogitsMatch) {
  torch::NoGradGuard ng;
  auto m = fixture_with_adapter();
  auto names = lora_module_names(*m);
  EXPECT_EQ(names.size(), 4u);
  EXPECT_DOUBLE_EQ(m->model->layer_list[0]->self_attn->q_proj->scaling, 8.0 / 4.0);
  double e = max_abs(m->forward(gold("llama.ids_b")), gold("lora.logits_b"));
  std::printf("max abs error: lora.logits_b %.3g\n", e);
  EXPECT_LT(e, 1e-4);
  // And the adapter changes something (the test could not pass with the adapter ignored).
  EXPECT_GT(max_abs(gold("lora.logits_b"), gold("llama.logits_b")), 1e-3);
}

TEST(Lora, MergeUnmergeRestoresWeights) {
  torch::NoGradGuard ng;
  auto m = fixture_with_adapter();
  auto w0 = m->model->layer_list[1]->self_attn->v_proj->weight.clone();
  auto ids = gold("llama.ids_b");
  auto before = m->forward(ids);
  merge_lora(*m);
  EXPECT_GT(max_abs(m->model->layer_list[1]->self_attn->v_proj->weight, w0), 1e-4);
  EXPECT_LT(max_abs(m->forward(ids), before), 1e-5);
  EXPECT_THROW(save_llama(*m, test::scratch("merged")), Error);
  unmerge_lora(*m);
  EXPECT_LT(max_abs(m->model->layer_list[1]->self_attn->v_proj->weight, w0), 1e-6);
  EXPECT_LT(max_abs(m->forward(ids), before), 1e-6);
  // merge + remove ("merge and unload") keeps the adapted function without adapter modules.
  merge_lora(*m);
  remove_lora(*m);
  EXPECT_TRUE(lora_module_names(*m).empty());
  EXPECT_LT(max_abs(m->forward(ids), gold("lora.logits_b")), 1e-4);
}

TEST(Lora, SaveLoadPeftLayout) {
  torch::NoGradGuard ng;
  auto cfg = test::small_config();
  auto m = make_random_llama(cfg, 11);
  m->eval();
  LoraConfig lc;
  lc.r = 4;
  lc.alpha = 32;
  lc.use_rslora = true;
  lc.dropout = 0.1;
  lc.target_modules = {"q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"};
  add_lora(*m, lc);
  for (auto& [p, lin] : m->linears())
    if (lin->has_adapter()) lin->lora_B->weight.normal_(0, 0.1);  // non-zero so the adapter matters
  EXPECT_DOUBLE_EQ(m->model->layer_list[0]->mlp->down_proj->scaling, 32.0 / 2.0);  // alpha / sqrt(r)
  auto dir = test::scratch("lora_save");
  save_lora(*m, dir);

  auto j = nlohmann::json::parse(read_file(dir + "/adapter_config.json"));
  EXPECT_EQ(j["peft_type"], "LORA");
  EXPECT_EQ(j["r"], 4);
  EXPECT_EQ(j["lora_alpha"], 32.0);
  EXPECT_EQ(j["use_rslora"], true);
  EXPECT_EQ(j["lora_dropout"], 0.1);
  EXPECT_EQ(j["target_modules"].size(), 7u);
  EXPECT_EQ(j["task_type"], "CAUSAL_LM");
  st::Checkpoint ck(dir + "/adapter_model.safetensors");
  EXPECT_EQ(ck.names().size(), 2u * 7u * 2u);
  EXPECT_TRUE(ck.has("base_model.model.model.layers.1.mlp.gate_proj.lora_A.weight"));
  EXPECT_TRUE(ck.has("base_model.model.model.layers.0.self_attn.o_proj.lora_B.weight"));
  EXPECT_EQ(ck.info("base_model.model.model.layers.0.self_attn.k_proj.lora_B.weight").shape,
            (std::vector<int64_t>{16, 4}));

  auto base_dir = test::scratch("lora_base");
  save_llama(*m, base_dir);  // adapter not merged: base weights only
  EXPECT_FALSE(st::Checkpoint(base_dir + "/model.safetensors").has("model.layers.0.self_attn.q_proj.lora_A.weight"));
  auto back = load_llama(base_dir);
  back->eval();
  auto ids = torch::randint(0, cfg.vocab_size, {2, 9}, torch::kLong);
  EXPECT_GT(max_abs(back->forward(ids), m->forward(ids)), 1e-4);
  auto got = load_lora(*back, dir);
  EXPECT_EQ(got.r, 4);
  EXPECT_TRUE(got.use_rslora);
  EXPECT_TRUE(torch::equal(back->forward(ids), m->forward(ids)));
}

TEST(Lora, NewAdapterInitLikePeft) {
  torch::NoGradGuard ng;
  auto m = make_random_llama(test::small_config(), 5);
  m->eval();
  auto ids = torch::randint(0, 97, {1, 8}, torch::kLong);
  auto before = m->forward(ids);
  add_lora(*m, LoraConfig{8, 16, 0.0, false, {"q_proj", "up_proj"}});
  EXPECT_TRUE(torch::equal(m->forward(ids), before));  // B = 0
  auto a = m->model->layer_list[0]->mlp->up_proj->lora_A->weight;  // (8, 48): bound 1/sqrt(48)
  EXPECT_LE(a.abs().max().item<double>(), 1.0 / std::sqrt(48.0) + 1e-7);
  EXPECT_GT(a.abs().max().item<double>(), 0.5 / std::sqrt(48.0));
  EXPECT_EQ(lora_module_names(*m).size(), 4u);
}

TEST(Lora, FreezeTrainsOnlyAdapters) {
  auto m = make_random_llama(test::small_config(), 9);
  add_lora(*m, LoraConfig{4, 8, 0.0, false, {"v_proj", "down_proj"}});
  auto trainable = freeze_all_but_lora(*m);
  EXPECT_EQ(trainable.size(), 2u * 2u * 2u);
  for (auto& item : m->named_parameters())
    EXPECT_EQ(item.value().requires_grad(), item.key().find(".lora_") != std::string::npos) << item.key();
  m->train();
  auto ids = torch::randint(0, 97, {2, 6}, torch::kLong);
  auto loss = m->forward(ids).logsumexp(-1).mean();
  loss.backward();
  for (auto& t : trainable) EXPECT_TRUE(t.grad().defined());
  EXPECT_FALSE(m->model->embed_tokens->weight.grad().defined());
}

TEST(Lora, DropoutOnlyWhenTraining) {
  torch::NoGradGuard ng;
  auto m = make_random_llama(test::small_config(), 13);
  add_lora(*m, LoraConfig{4, 8, 0.5, false, {"q_proj"}});
  for (auto& [p, lin] : m->linears())
    if (lin->has_adapter()) lin->lora_B->weight.normal_(0, 0.5);
  auto ids = torch::randint(0, 97, {1, 10}, torch::kLong);
  m->eval();
  auto e1 = m->forward(ids), e2 = m->forward(ids);
  EXPECT_TRUE(torch::equal(e1, e2));
  m->train();
  EXPECT_GT(max_abs(m->forward(ids), e1), 1e-6);
}

TEST(Lora, BadAdapterFolders) {
  auto m = load_llama(test::fixture("llama"));
  EXPECT_THROW(load_lora(*m, "/nonexistent"), Error);
  auto dir = test::scratch("bad_lora");
  auto j = nlohmann::json::parse(read_file(test::fixture("lora/adapter_config.json")));
  j["use_dora"] = true;
  write_file_atomic(dir + "/adapter_config.json", j.dump());
  std::filesystem::copy_file(test::fixture("lora/adapter_model.safetensors"), dir + "/adapter_model.safetensors");
  try {
    load_lora(*m, dir);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("use_dora"), std::string::npos) << e.what();
  }
  j["use_dora"] = false;
  j["r"] = 8;  // tensors hold r = 4
  write_file_atomic(dir + "/adapter_config.json", j.dump());
  try {
    load_lora(*m, dir);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("lora_A"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(lora_module_names(*m).empty());  // a failed load leaves the model unchanged
}

// Issue 19 item 12: adapter_config.json fields are honoured or refused, never silently replaced.
TEST(Lora, AdapterConfigFieldsAreHonouredOrRefused) {
  auto m = load_llama(test::fixture("llama"));
  const auto base = nlohmann::json::parse(read_file(test::fixture("lora/adapter_config.json")));
  auto dir = test::scratch("lora_fields");
  std::filesystem::copy_file(test::fixture("lora/adapter_model.safetensors"), dir + "/adapter_model.safetensors");
  auto error_with = [&](const std::function<void(nlohmann::json&)>& change) {
    auto j = base;
    change(j);
    write_file_atomic(dir + "/adapter_config.json", j.dump());
    try {
      load_lora(*m, dir);
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  // The fixture: q_proj and v_proj of both layers.
  EXPECT_EQ(error_with([](nlohmann::json&) {}), "");
  EXPECT_NE(error_with([](nlohmann::json& j) { j["lora_alpha"] = "16"; }).find("lora_alpha"), std::string::npos);
  EXPECT_NE(error_with([](nlohmann::json& j) { j["lora_dropout"] = 1.5; }).find("lora_dropout"), std::string::npos);
  EXPECT_NE(error_with([](nlohmann::json& j) { j["target_modules"] = {"q_proj"}; }).find("v_proj"), std::string::npos);
  EXPECT_NE(error_with([](nlohmann::json& j) { j["target_modules"] = {"q_proj", "v_proj", "k_proj"}; }).find("k_proj"),
            std::string::npos);
  EXPECT_NE(error_with([](nlohmann::json& j) { j["target_modules"] = ".*proj"; }).find("regular expression"),
            std::string::npos);
  EXPECT_NE(error_with([](nlohmann::json& j) { j["target_modules"] = "all-linear"; }).find("has no lora_A/lora_B"), std::string::npos);
  EXPECT_NE(error_with([](nlohmann::json& j) { j["layers_to_transform"] = {0}; }).find("layers_to_transform"),
            std::string::npos);
  EXPECT_NE(error_with([](nlohmann::json& j) { j["layers_to_transform"] = 7; }).find("layer index"), std::string::npos);
  EXPECT_NE(error_with([](nlohmann::json& j) { j["layers_pattern"] = "blocks"; }).find("layers_pattern"),
            std::string::npos);
  EXPECT_NE(error_with([](nlohmann::json& j) { j["exclude_modules"] = {"v_proj"}; }).find("exclude_modules"),
            std::string::npos);
  // Honoured: layer 0 only, with weights for layer 0 only.
  auto tensors = st::load_all(dir + "/adapter_model.safetensors");
  for (auto it = tensors.begin(); it != tensors.end();)
    it = it->first.find("layers.1.") != std::string::npos ? tensors.erase(it) : std::next(it);
  st::save(dir + "/adapter_model.safetensors", tensors);
  EXPECT_EQ(error_with([](nlohmann::json& j) { j["layers_to_transform"] = {0}; }), "");
  for (const auto& name : lora_module_names(*m)) EXPECT_NE(name.find("layers.0."), std::string::npos) << name;
  EXPECT_EQ(lora_module_names(*m).size(), 2u);
  // Without layers_to_transform, layer 1's missing adapters are an error.
  EXPECT_NE(error_with([](nlohmann::json&) {}).find("layers.1"), std::string::npos);
}
