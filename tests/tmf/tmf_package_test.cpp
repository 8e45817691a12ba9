#include <gtest/gtest.h>

#include <filesystem>

#include "data/dataset_writer.h"
#include "llm/lora.h"
#include "tmf/tmf_package.h"
#include "util/error.h"
#include "util/strings.h"

using namespace tmf;
namespace fs = std::filesystem;

namespace {
const std::string kFixture = std::string(TMF_SHARED_DIR) + "/fixtures/hf-tiny/llama";

std::string scratch(const std::string& name) {
  std::string d = std::string(TMF_BINARY_DIR) + "/test-tmp/package-" + name;
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

std::string make_dataset(const std::string& path, const std::string& extra_item) {
  fs::remove(path);
  Dataset ds = Dataset::create(path, "pkg");
  DatasetWriter w(ds);
  ds.set_behaviors({"view", "buy"}, "buy");
  ItemInput in;
  in.external_id = extra_item;
  w.item(in);
  w.commit();
  return ds.content_hash();
}
}  // namespace

TEST(TmfPackage, RoundTripGivesIdenticalOutputsAndChecksTheDataset) {
  torch::manual_seed(0);
  NameBook names;
  ItemFeatures feats;
  for (int i = 0; i < 5; ++i) {
    names.items[i] = "thing " + std::to_string(i);
    feats.item_row[i] = i;
  }
  names.behaviors = {{1, "view"}, {2, "buy"}};
  feats.behavior_row = {{1, 0}, {2, 1}};
  feats.image = torch::randn({5, 8});
  feats.text = torch::randn({5, 8});
  feats.graph = torch::randn({5, 4});
  feats.behavior = torch::randn({2, 4});
  Llama llm = load_llama(kFixture);
  LoraConfig lc;
  lc.r = 2;
  lc.alpha = 4;
  add_lora(*llm, lc);
  {
    torch::NoGradGuard ng;  // non-zero adapters and heads, so that the round trip is not trivial
    for (auto& p : llm->parameters())
      if (p.requires_grad()) p.normal_(0, 0.05);
  }
  TmfModel model(llm, Tokenizer::load(kFixture + "/tokenizer.model"), feats, names, AblationLevel::Cma, 2);
  model.llm()->eval();
  model.heads()->eval();
  TmfExample ex;
  ex.history_items = {0, 1};
  ex.history_behaviors = {1, 2};
  ex.target_behavior = 2;
  ex.candidates = {2, 3, 4};
  ex.truth = 1;

  std::string dir = scratch("rt");
  std::string ds_path = dir + "/d.tmfdb";
  PackageInfo info;
  info.dataset_name = "pkg";
  info.dataset_hash = make_dataset(ds_path, "x");
  info.tokenizer_path = kFixture + "/tokenizer.model";
  info.settings = {{"seed", 3}};
  save_package(model, dir + "/model", info);
  for (const char* f : {"tmf.json", "tokenizer.model", "heads.safetensors", "features.safetensors",
                        "backbone/config.json", "backbone/model.safetensors", "adapter/adapter_config.json"})
    EXPECT_TRUE(fs::exists(dir + "/model/" + f)) << f;

  Dataset ds = Dataset::open(ds_path);
  LoadedPackage back = load_package(dir + "/model", names, "cpu", &ds);
  EXPECT_EQ(back.model.level(), AblationLevel::Cma);
  EXPECT_EQ(back.info.settings["seed"], 3);
  torch::NoGradGuard ng;
  auto a = model.build({ex}, Task::Hard, {0}, true), b = back.model.build({ex}, Task::Hard, {0}, true);
  EXPECT_TRUE(torch::equal(a.embeds, b.embeds));
  EXPECT_EQ(model.loss(a).item<double>(), back.model.loss(b).item<double>());
  EXPECT_EQ(model.generate(model.build({ex}, Task::Hard, {0}, false), 6),
            back.model.generate(back.model.build({ex}, Task::Hard, {0}, false), 6));

  // Another dataset: refused with both names in the message.
  make_dataset(dir + "/other.tmfdb", "y");
  Dataset other = Dataset::open(dir + "/other.tmfdb");
  try {
    load_package(dir + "/model", names, "cpu", &other);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("was built for dataset"), std::string::npos) << e.what();
  }
  // Corrupt packages.
  EXPECT_THROW(load_package(dir, names), Error);  // no tmf.json
  fs::copy(dir + "/model", dir + "/broken", fs::copy_options::recursive);
  write_file_atomic(dir + "/broken/tmf.json", "{ not json");
  EXPECT_THROW(load_package(dir + "/broken", names), Error);
  fs::remove_all(dir + "/broken");
  fs::copy(dir + "/model", dir + "/broken", fs::copy_options::recursive);
  fs::remove(dir + "/broken/heads.safetensors");
  EXPECT_THROW(load_package(dir + "/broken", names), Error);
}
