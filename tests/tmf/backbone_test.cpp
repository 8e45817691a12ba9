#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "data/candidates.h"
#include "data/split.h"
#include "data/sqlite.h"
#include "llm/tokenizer.h"
#include "prompt/hybrid_prompt.h"
#include "llm/tokenizer_train.h"
#include "train/backbone.h"
#include "train/item_encoders.h"
#include "train/tmf_pipeline.h"
#include "eval/tmf_eval.h"
#include "tmf/tmf_package.h"
#include "data/split.h"
#include "world/generate.h"
#include "world/world_spec.h"
#include "small_world.h"
#include "llm/safetensors_torch.h"
#include "train/pipeline_settings.h"
#include "util/json_file.h"
#include "util/strings.h"

using namespace tmf;
namespace fs = std::filesystem;

namespace {
// A fresh tiny world of one of the bundled specs, with the default split, in test-tmp/<name>.
Dataset tiny_world(const std::string& name, const std::string& spec, uint64_t seed, int items, int users,
                   std::string* dir_out) {
  const std::string dir = std::string(TMF_BINARY_DIR) + "/test-tmp/" + name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  *dir_out = dir;
  return test::small_world(dir + "/w.tmfdb", spec, seed, items, users);
}
}  // namespace

TEST(Backbone, TokenizerAndWarmUpFromADatasetsText) {
  std::string dir;
  Dataset ds = tiny_world("backbone", "pets", 3, 80, 60, &dir);
  BackboneOptions o;
  o.vocab_size = 600;
  o.layers = 2;
  o.hidden = 64;
  o.heads = 4;
  o.kv_heads = 2;
  o.intermediate = 128;
  o.steps = 40;
  o.batch = 8;
  o.max_tokens = 256;
  o.lr = 3e-3;
  o.prompts = 100;
  auto corpus = backbone_corpus(ds, o);
  ASSERT_EQ(corpus.size(), size_t(ds.item_count()) + 100);
  BackboneResult r = build_backbone(ds, corpus, o, dir + "/out");
  ASSERT_EQ(r.losses.size(), 40u);
  // Steps mix prompts, copy tasks and item texts (losses of different sizes): compare windows.
  double head = 0, tail = 0;
  for (size_t i = 0; i < 8; ++i) head += r.losses[i] / 8, tail += r.losses[32 + i] / 8;
  EXPECT_LT(tail, head * 0.8) << head << " -> " << tail;
  // The placeholders are single pieces of the trained tokenizer; the model reloads in HF layout.
  Tokenizer tok = Tokenizer::load(r.tokenizer_path);
  auto ids = tok.encode(std::string("view ") + kBehaviorToken + " Thing " + kItemToken);
  EXPECT_EQ(std::count(ids.begin(), ids.end(), tok.add_special_token(kItemToken)), 1);
  EXPECT_EQ(std::count(ids.begin(), ids.end(), tok.add_special_token(kBehaviorToken)), 1);
  EXPECT_LE(tok.vocab_size(), 600);
  Llama m = load_llama(r.dir);
  EXPECT_EQ(m->config.vocab_size, tok.vocab_size());
  EXPECT_EQ(m->config.num_hidden_layers, 2);
}

TEST(ItemEncoders, SmallClipOnTheDatasetsPairsIsCachedAndReused) {
  std::string dir;
  Dataset ds = tiny_world("item-encoders", "sports", 4, 60, 30, &dir);
  BackboneOptions bo;
  bo.vocab_size = 500;
  bo.prompts = 20;
  std::vector<std::string> corpus = backbone_corpus(ds, bo);
  TrainOptions to;
  to.vocab_size = 500;
  to.user_defined_symbols = {kItemToken, kBehaviorToken};
  to.hard_vocab_limit = false;
  train_tokenizer(corpus, to, dir + "/tokenizer.model", {});
  ItemEncoderOptions o;
  o.hidden = 32;
  o.heads = 2;
  o.projection_dim = 16;
  o.steps = 30;
  o.batch = 16;
  o.lr = 3e-3;
  ItemEmbeddings e = build_item_embeddings(ds, dir + "/tokenizer.model", dir + "/clip", o);
  ASSERT_EQ(e.item_ids.size(), size_t(ds.item_count()));
  EXPECT_EQ(e.image.size(), e.item_ids.size() * 16);
  EXPECT_EQ(e.text.size(), e.item_ids.size() * 16);
  ASSERT_EQ(e.losses.size(), 30u);
  EXPECT_LT(e.losses.back(), e.losses.front());
  // Second call: the CLIP on disk and the cached embeddings are reused, identical.
  ItemEmbeddings again = build_item_embeddings(ds, dir + "/tokenizer.model", dir + "/clip", o);
  EXPECT_TRUE(again.losses.empty());
  EXPECT_EQ(again.version, e.version);
  EXPECT_EQ(again.image, e.image);
  EXPECT_EQ(again.text, e.text);
}

// A dataset without any image (MovieLens): the CLIP stage still yields embeddings, the image
// modality zero and the text modality the untrained text tower's (distinct per item).
TEST(ItemEncoders, DatasetWithoutImagesGetsAnUntrainedClip) {
  std::string dir;
  Dataset ds = tiny_world("item-encoders-noimg", "sports", 5, 40, 20, &dir);
  ds.db().exec("UPDATE items SET image = NULL, image_format = NULL, image_width = 0, image_height = 0");
  BackboneOptions bo;
  bo.prompts = 10;
  TrainOptions to;
  to.vocab_size = 400;
  to.user_defined_symbols = {kItemToken, kBehaviorToken};
  to.hard_vocab_limit = false;
  train_tokenizer(backbone_corpus(ds, bo), to, dir + "/tokenizer.model", {});
  ItemEncoderOptions o;
  o.hidden = 32;
  o.heads = 2;
  o.projection_dim = 16;
  o.steps = 5;
  ItemEmbeddings e = build_item_embeddings(ds, dir + "/tokenizer.model", dir + "/clip", o);
  ASSERT_EQ(e.item_ids.size(), size_t(ds.item_count()));
  EXPECT_TRUE(e.losses.empty());
  EXPECT_TRUE(fs::exists(dir + "/clip/model.safetensors"));
  EXPECT_TRUE(std::all_of(e.image.begin(), e.image.end(), [](float v) { return v == 0.0f; }));
  ASSERT_EQ(e.text.size(), e.item_ids.size() * 16);
  EXPECT_NE(std::vector<float>(e.text.begin(), e.text.begin() + 16),
            std::vector<float>(e.text.begin() + 16, e.text.begin() + 32));
  // One lone image cannot be contrasted: a clear error.
  fs::remove_all(dir + "/clip");
  ds.db().exec("UPDATE items SET image = x'00', image_format = 'png' WHERE id = (SELECT MIN(id) FROM items)");
  try {
    build_item_embeddings(ds, dir + "/tokenizer.model", dir + "/clip", o);
    ADD_FAILURE() << "one image was accepted";
  } catch (const std::exception& ex) {
    EXPECT_NE(std::string(ex.what()).find("1 item with an image"), std::string::npos) << ex.what();
  }
}

// The whole pipeline on a tiny world: every stage, a package, and an evaluation of it.
TEST(Pipeline, TinyWorldEndToEnd) {
  std::string dir;
  Dataset ds = tiny_world("pipeline", "electronics", 5, 60, 40, &dir);
  CandidateOptions co;
  make_candidates(ds, co);
  PipelineOptions o = PipelineOptions::tiny();
  PipelineResult r = train_pipeline(ds, dir + "/model", o);
  EXPECT_EQ(r.tune_losses.size(), 6u);
  EXPECT_EQ(r.warmup_losses.size(), 10u);
  LoadedPackage pkg = load_package(dir + "/model", NameBook::of(ds), "cpu", &ds);
  auto rows = load_split_rows(ds, "default", "test");
  auto cands = load_candidates(ds, candidate_set_id(ds, "default", "default"), "test");
  std::vector<TmfExample> exs;
  for (size_t i = 0; i < 3 && i < rows.size(); ++i) exs.push_back(example_of(rows[i], cands[i], ds.target_behavior().id));
  EvalOptions eo;
  eo.decode = DecodeMode::Constrained;
  EvalResult e = evaluate_tmf(pkg.model, exs, eo);
  EXPECT_EQ(e.stats.n, int64_t(exs.size()));
  EXPECT_EQ(e.stats.valid_ratio(), 1.0);
  // Stages are reused: a second run retrains only the tuning.
  PipelineResult again = train_pipeline(ds, dir + "/model", o);
  EXPECT_TRUE(again.warmup_losses.empty());
  EXPECT_TRUE(again.clip_losses.empty());
}

// Where the backbone came from decides how it is tuned: ours in full (every weight moves, the
// package carries the tuned backbone), a Hugging Face Llama with LoRA as in the paper (its base
// weights stay as they are and the package only references them; the adapters move).
TEST(Pipeline, OwnBackboneTunesInFullAPretrainedOneWithLora) {
  std::string dir;
  Dataset ds = tiny_world("pipeline-tuning", "pets", 6, 50, 40, &dir);
  CandidateOptions co;
  make_candidates(ds, co);
  auto tensors = [](const std::string& file) { return st::load_all(file); };

  PipelineOptions own = PipelineOptions::tiny();
  ASSERT_TRUE(full_tuning(own));
  train_pipeline(ds, dir + "/own", own);
  auto own_json = read_json_file(dir + "/own/tmf.json");
  EXPECT_EQ(own_json["settings"]["tuning"], "full");
  EXPECT_FALSE(own_json.value("lora", false));
  auto warm = tensors(dir + "/own.stages/backbone/model.safetensors");
  auto tuned = tensors(dir + "/own/backbone/model.safetensors");
  int moved = 0;
  for (auto& [k, t] : warm) moved += !torch::equal(t, tuned.at(k));
  EXPECT_EQ(moved, int(warm.size())) << "tensors of the backbone that full tuning changed";

  const std::string hf = std::string(TMF_SHARED_DIR) + "/fixtures/hf-tiny/llama";
  PipelineOptions pre = PipelineOptions::tiny();
  pre.pretrained_backbone = hf;
  ASSERT_FALSE(full_tuning(pre));
  PipelineResult r = train_pipeline(ds, dir + "/pre", pre);
  EXPECT_TRUE(r.warmup_losses.empty());
  auto pre_json = read_json_file(dir + "/pre/tmf.json");
  EXPECT_EQ(pre_json["settings"]["tuning"], "lora");
  EXPECT_TRUE(pre_json.value("lora", false));
  EXPECT_EQ(pre_json["backbone"], fs::absolute(hf).string());
  EXPECT_FALSE(fs::exists(dir + "/pre/backbone"));
  int b_nonzero = 0, b_total = 0;
  for (auto& [k, t] : tensors(dir + "/pre/adapter/adapter_model.safetensors"))
    if (k.find("lora_B") != std::string::npos) {
      ++b_total;
      b_nonzero += t.abs().sum().item<double>() > 0;
    }
  EXPECT_GT(b_total, 0);
  EXPECT_EQ(b_nonzero, b_total) << "LoRA B matrices start at zero; tuning must move them";
  // The package loads on the fixture's tokenizer (+ the [MT_i]/[MT_b] placeholders).
  LoadedPackage pkg = load_package(dir + "/pre", NameBook::of(ds), "cpu", &ds);
  EXPECT_EQ(pkg.model.tokenizer().vocab_size(), Tokenizer::load(hf + "/tokenizer.model").vocab_size() + 2);
  // Issue 19 item 12: the reference to a backbone outside the package is checked, not followed blindly.
  const auto manifest = read_json_file(dir + "/pre/tmf.json");
  EXPECT_TRUE(manifest.contains("backbone_fingerprint"));
  for (const auto& [other, expected] : std::vector<std::pair<std::string, std::string>>{
           {"../own/backbone", "must be"}, {fs::absolute(dir + "/own/backbone").string(), "another backbone"}}) {
    auto j = manifest;
    j["backbone"] = other;
    write_file_atomic(dir + "/pre/tmf.json", j.dump(2));
    std::string msg;
    try {
      load_package(dir + "/pre", NameBook::of(ds), "cpu", &ds);
    } catch (const std::exception& e) {
      msg = e.what();
    }
    EXPECT_NE(msg.find(expected), std::string::npos) << other << ": " << msg;
  }
  write_file_atomic(dir + "/pre/tmf.json", manifest.dump(2));
  // --tuning overrides the choice either way.
  pre.tuning = "full";
  EXPECT_TRUE(full_tuning(pre));
  own.tuning = "lora";
  EXPECT_FALSE(full_tuning(own));
  own.tuning = "half";
  EXPECT_THROW(full_tuning(own), std::exception);
}

TEST(PipelineSettings, KeysSetValuesAndRefuseUnknownOnesClearly) {
  PipelineOptions o;
  apply_pipeline_setting(o, "backbone.layers=3");
  apply_pipeline_setting(o, "tune.lr=0.002");
  apply_pipeline_setting(o, "candidate_kinds=false");
  apply_pipeline_setting(o, "tuning=lora");
  EXPECT_EQ(o.backbone.layers, 3);
  EXPECT_DOUBLE_EQ(o.tune.lr, 0.002);
  EXPECT_FALSE(o.candidate_kinds);
  EXPECT_EQ(o.tuning, "lora");
  EXPECT_EQ(pipeline_settings(o)["backbone.layers"], 3);
  try {
    apply_pipeline_setting(o, "backbone.layer=3");
    ADD_FAILURE() << "an unknown key was accepted";
  } catch (const std::exception& e) {
    EXPECT_NE(std::string(e.what()).find("backbone.layers"), std::string::npos) << e.what();
  }
  try {
    apply_pipeline_setting(o, "tune.steps=many");
    ADD_FAILURE() << "a string was accepted as a step count";
  } catch (const std::exception& e) {
    EXPECT_NE(std::string(e.what()).find("tune.steps"), std::string::npos) << e.what();
  }
  EXPECT_THROW(apply_pipeline_setting(o, "=3"), std::exception);
}
