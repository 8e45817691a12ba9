// libFuzzer target: JSON configuration files as the loaders read them: the depth-checked parser,
// then Llama config.json, CLIP config.json and preprocessor_config.json, MBHT config.
#include "encoders/clip_config.h"
#include "fuzz_util.h"
#include "graph/mbht_config.h"
#include "llm/llama_config.h"
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
  });
  tmf::fuzz::expect_clean([&] {
    tmf::ClipConfig c = tmf::parse_clip_config(text, "clip config");
    (void)tmf::clip_parameter_count(c);
  });
  tmf::fuzz::expect_clean([&] { (void)tmf::parse_clip_image_processor_config(text, "preprocessor config"); });
  return 0;
}
