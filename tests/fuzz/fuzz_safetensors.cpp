// libFuzzer target: a safetensors file (8-byte header length, JSON header, data) through the
// validating reader, and every tensor it accepts read whole.
#include "fuzz_util.h"
#include "llm/safetensors.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  tmf::fuzz::MemFile file(data, size);
  tmf::fuzz::expect_clean([&] {
    tmf::st::File f(file.path());
    uint64_t sum = 0;
    for (const auto& t : f.tensors()) {
      const uint8_t* p = f.data(t);
      for (uint64_t i = t.begin; i < t.end; ++i) sum += p[i - t.begin];  // every byte must be mapped
    }
    if (sum == 0xFFFFFFFFFFFFFFFFull) std::abort();  // keeps the reads
  });
  return 0;
}
