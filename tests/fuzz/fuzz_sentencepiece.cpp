// libFuzzer target: a SentencePiece tokenizer.model (protobuf) loaded, then used on a fixed text.
#include "fuzz_util.h"
#include "llm/tokenizer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  tmf::fuzz::expect_clean([&] {
    tmf::Tokenizer tok = tmf::Tokenizer::from_bytes(std::string(reinterpret_cast<const char*>(data), size), "fuzz");
    auto ids = tok.encode("Pixelon Rapid WB976 Wall Charger, 2x 65W \xE2\x82\xAC 12.50");
    (void)tok.decode(ids);
  });
  return 0;
}
