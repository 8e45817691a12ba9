// libFuzzer target: JSON configuration files as the loaders read them: the depth-checked parser,
// then Llama config.json, CLIP config.json and preprocessor_config.json, MBHT config, PEFT
// adapter_config.json and a model package's tmf.json (each read back after writing).
#include "encoders/clip_config.h"
#include "fuzz_util.h"
#include "graph/mbht_config.h"
#include "llm/llama_config.h"
#include "llm/lora_config.h"
#include "tmf/package_manifest.h"
#include "util/json_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  tmf::fuzz::expect_clean([&] {
    nlohmann::json j = tmf::parse_json(text, "fuzz");
    tmf::fuzz::expect_clean([&] {
      try {
        tmf::LlamaConfig c = tmf::parse_llama_config(j, "config.json");
        (void)c.parameter_count();
        (void)tmf::llama_config_to_json(c).dump();
      } catch (const nlohmann::json::exception& e) {
        tmf::fail("config.json: ", e.what());  // as load_llama_config does
      }
    });
    tmf::fuzz::expect_clean([&] { (void)tmf::mbht_config_from_json(j, "mbht config"); });
    tmf::fuzz::expect_clean([&] {
      const tmf::AdapterConfig a = tmf::parse_adapter_config(j, "adapter_config.json", 4);
      // What we write, we read back the same.
      const tmf::AdapterConfig b = tmf::parse_adapter_config(tmf::adapter_config_to_json(a.lora), "again", 4);
      if (b.lora.r != a.lora.r || b.lora.target_modules != a.lora.target_modules) __builtin_trap();
    });
    tmf::fuzz::expect_clean([&] {
      const tmf::PackageManifest m = tmf::parse_package_manifest(j, "fuzz");
      const tmf::PackageManifest back = tmf::parse_package_manifest(tmf::manifest_to_json(m), "again");
      if (back.level != m.level || back.fusion_heads != m.fusion_heads || back.backbone != m.backbone) __builtin_trap();
    });
  });
  tmf::fuzz::expect_clean([&] {
    tmf::ClipConfig c = tmf::parse_clip_config(text, "clip config");
    (void)tmf::clip_parameter_count(c);
  });
  tmf::fuzz::expect_clean([&] { (void)tmf::parse_clip_image_processor_config(text, "preprocessor config"); });
  return 0;
}
