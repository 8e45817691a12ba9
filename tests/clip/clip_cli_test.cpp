// The tmf clip command on the hf-tiny fixture, compared with transformers' outputs.
#include <gtest/gtest.h>
#include <torch/torch.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "llm/safetensors_torch.h"

namespace {
const std::string kHf = std::string(TMF_SHARED_DIR) + "/fixtures/hf-tiny";
const std::string kTool = std::string(TMF_TOOL_DIR) + "/tmf";

std::string out_path(const std::string& name) {
  auto d = std::filesystem::temp_directory_path() / ("tmf_clip_cli_" + std::to_string(::getpid()));
  std::filesystem::create_directories(d);
  return (d / name).string();
}

int run(const std::string& cmd) { return std::system((cmd + " > /dev/null 2>&1").c_str()); }

torch::Tensor golden(const std::string& name) {
  tmf::st::Checkpoint ckpt(kHf + "/golden.safetensors");
  return tmf::st::load_tensor(ckpt, name);
}
}  // namespace

TEST(ClipCli, EmbedImageMatchesTransformers) {
  std::string out = out_path("img.safetensors");
  ASSERT_EQ(run(kTool + " clip embed-image --model " + kHf + "/clip " + kHf + "/clip/image.png --out " + out +
                " --device cpu"),
            0);
  auto t = tmf::st::load_all(out);
  ASSERT_TRUE(t.count("image_embeds"));
  EXPECT_EQ(t["image_embeds"].scalar_type(), torch::kFloat32);
  double err = (t["image_embeds"] - golden("clip.image_embeds")).abs().max().item<double>();
  std::printf("[measure] CLI image_embeds (from image.png) max abs error %.3g\n", err);
  EXPECT_LT(err, 1e-3);
}

TEST(ClipCli, EmbedTextMatchesTransformers) {
  // Golden rows without their padding: the CLI pads them again and masks the pads.
  torch::Tensor ids = golden("clip.text_ids"), mask = golden("clip.text_mask");
  std::string cmd = kTool + " clip embed-text --model " + kHf + "/clip";
  for (int64_t b = 0; b < ids.size(0); ++b) {
    std::string row;
    for (int64_t t = 0; t < ids.size(1); ++t)
      if (mask[b][t].item<int64_t>()) row += (row.empty() ? "" : ",") + std::to_string(ids[b][t].item<int64_t>());
    cmd += " --ids " + row;
  }
  std::string out = out_path("txt.safetensors");
  ASSERT_EQ(run(cmd + " --out " + out), 0);
  auto t = tmf::st::load_all(out);
  ASSERT_TRUE(t.count("text_embeds"));
  double err = (t["text_embeds"] - golden("clip.text_embeds")).abs().max().item<double>();
  std::printf("[measure] CLI text_embeds max abs error %.3g\n", err);
  EXPECT_LT(err, 1e-4);
}

TEST(ClipCli, BadInputFailsCleanly) {
  std::string out = out_path("bad.safetensors");
  EXPECT_EQ(WEXITSTATUS(run(kTool + " clip embed-image --model " + kHf + "/clip " + kHf + "/clip/config.json --out " + out)), 1);
  EXPECT_EQ(WEXITSTATUS(run(kTool + " clip embed-text --model " + kHf + "/clip --ids 198,5000,199 --out " + out)), 1);
  EXPECT_FALSE(std::filesystem::exists(out));
}
