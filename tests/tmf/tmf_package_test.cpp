#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "data/dataset_writer.h"
#include "llm/lora.h"
#include "tmf/package_destination.h"
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
  // A field of the wrong type names the file and the field.
  fs::remove_all(dir + "/broken");
  fs::copy(dir + "/model", dir + "/broken", fs::copy_options::recursive);
  auto manifest = nlohmann::json::parse(read_file(dir + "/model/tmf.json"));
  manifest["max_history"] = "ten";
  write_file_atomic(dir + "/broken/tmf.json", manifest.dump());
  try {
    load_package(dir + "/broken", names);
    ADD_FAILURE() << "a string max_history was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("tmf.json field 'max_history'"), std::string::npos) << e.what();
  }
  // A tokenizer.model from elsewhere is refused (it once gave garbage answers with exit status 0).
  fs::remove_all(dir + "/broken");
  fs::copy(dir + "/model", dir + "/broken", fs::copy_options::recursive);
  write_file_atomic(dir + "/broken/tokenizer.model", read_file(dir + "/model/tokenizer.model") + "x");
  try {
    load_package(dir + "/broken", names);
    ADD_FAILURE() << "a foreign tokenizer.model was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("not the one the model was trained with"), std::string::npos) << e.what();
  }
}

// `tmf train --out PATH` once deleted whatever PATH held. Only a new path, an empty folder or an
// older package may receive a package; anything else is refused and left exactly as it was.
TEST(PackageDestination, RefusesForeignPathsAndReplacesPackagesAtomically) {
  const std::string d = scratch("destination");
  auto entries = [&] {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(d)) names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
  };
  auto write = [](const std::string& text) {
    return [text](const std::string& tmp) { write_file_atomic(tmp + "/tmf.json", text); };
  };
  // A folder with a user's file: refused, the file kept, nothing written beside it.
  fs::create_directories(d + "/notes");
  write_file_atomic(d + "/notes/notes.txt", "important");
  try {
    write_package_atomically(d + "/notes", write("{}"));
    FAIL() << "a folder of notes was replaced";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("notes.txt"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("not a TMF model package"), std::string::npos) << e.what();
  }
  EXPECT_EQ(read_file(d + "/notes/notes.txt"), "important");
  // A file: refused and kept.
  write_file_atomic(d + "/events.csv", "a,b\n");
  EXPECT_THROW(check_package_destination(d + "/events.csv"), Error);
  EXPECT_EQ(read_file(d + "/events.csv"), "a,b\n");
  // A new path and an empty folder are fine.
  write_package_atomically(d + "/new/pkg", write("1"));
  EXPECT_EQ(read_file(d + "/new/pkg/tmf.json"), "1");
  fs::create_directories(d + "/empty");
  write_package_atomically(d + "/empty", write("2"));
  EXPECT_EQ(read_file(d + "/empty/tmf.json"), "2");
  // An older package is replaced; a write that fails leaves it as it was.
  write_package_atomically(d + "/new/pkg", write("3"));
  EXPECT_EQ(read_file(d + "/new/pkg/tmf.json"), "3");
  EXPECT_THROW(write_package_atomically(d + "/new/pkg",
                                        [](const std::string& tmp) {
                                          write_file_atomic(tmp + "/tmf.json", "half");
                                          throw std::runtime_error("disk full");
                                        }),
               std::runtime_error);
  EXPECT_EQ(read_file(d + "/new/pkg/tmf.json"), "3");
  // No temporary siblings are left behind, and a user's "X.partial" folder is not touched.
  fs::create_directories(d + "/empty.partial");
  write_file_atomic(d + "/empty.partial/keep.txt", "mine");
  write_package_atomically(d + "/empty", write("4"));
  EXPECT_EQ(read_file(d + "/empty.partial/keep.txt"), "mine");
  EXPECT_EQ(entries(), (std::vector<std::string>{"empty", "empty.partial", "events.csv", "new", "notes"}));
  EXPECT_EQ(std::vector<std::string>{"pkg"}, [&] {
    std::vector<std::string> n;
    for (const auto& e : fs::directory_iterator(d + "/new")) n.push_back(e.path().filename().string());
    return n;
  }());
}
