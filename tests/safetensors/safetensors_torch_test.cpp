// safetensors <-> torch: save/load round trip of every dtype, casting on load, fixture values.
#include "llm/safetensors_torch.h"

#include <gtest/gtest.h>
#include <torch/torch.h>
#include <unistd.h>

#include <filesystem>

#include "util/error.h"

using namespace tmf::st;

TEST(SafetensorsTorch, RoundTripEveryDType) {
  torch::manual_seed(0);
  std::map<std::string, torch::Tensor> in;
  for (auto d : {torch::kFloat64, torch::kFloat32, torch::kFloat16, torch::kBFloat16}) in[c10::toString(d)] = torch::randn({3, 5}).to(d);
  for (auto d : {torch::kInt64, torch::kInt32, torch::kInt16, torch::kInt8, torch::kUInt8})
    in[c10::toString(d)] = torch::randint(0, 100, {4, 2}).to(d);
  in["Bool"] = torch::rand({7}) > 0.5;
  in["strided"] = torch::arange(12, torch::kFloat32).reshape({3, 4}).t();  // non-contiguous
  std::string path = (std::filesystem::temp_directory_path() / ("tmf_st_torch_" + std::to_string(::getpid()) + ".safetensors")).string();
  save(path, in, {{"format", "pt"}});
  auto out = load_all(path);
  ASSERT_EQ(out.size(), in.size());
  for (const auto& [name, t] : in) {
    ASSERT_TRUE(out.count(name)) << name;
    EXPECT_EQ(out[name].scalar_type(), t.scalar_type()) << name;
    EXPECT_TRUE(torch::equal(out[name], t)) << name;
  }
  Checkpoint ckpt(path);
  auto cast = load_tensor(ckpt, "Half", torch::kFloat32);
  EXPECT_EQ(cast.scalar_type(), torch::kFloat32);
  EXPECT_TRUE(torch::equal(cast, in["Half"].to(torch::kFloat32)));
  EXPECT_THROW(from_torch(torch::kComplexFloat), tmf::Error);
  EXPECT_THROW(load_tensor(ckpt, "missing"), tmf::Error);
  std::filesystem::remove(path);
}

TEST(SafetensorsTorch, GoldenFixture) {
  Checkpoint ckpt(std::string(TMF_SHARED_DIR) + "/fixtures/hf-tiny/golden.safetensors");
  auto ids = load_tensor(ckpt, "llama.ids_a");
  EXPECT_EQ(ids.sizes(), (std::vector<int64_t>{1, 56}));
  EXPECT_EQ(ids[0][0].item<int64_t>(), 1);
  EXPECT_EQ(ids[0][1].item<int64_t>(), 303);
  auto px = load_tensor(ckpt, "clip.pixel_values");
  EXPECT_NEAR(px.sum().item<double>(), -501.86986020370387, 1e-3);
}
