#include "tmf/decode_mode.h"

#include "util/error.h"

namespace tmf {

const char* decode_mode_name(DecodeMode m) {
  switch (m) {
    case DecodeMode::Free: return "free";
    case DecodeMode::Constrained: return "constrained";
    case DecodeMode::Likelihood: return "likelihood";
  }
  return "?";
}

DecodeMode parse_decode_mode(const std::string& s) {
  for (DecodeMode m : {DecodeMode::Free, DecodeMode::Constrained, DecodeMode::Likelihood})
    if (s == decode_mode_name(m)) return m;
  fail("unknown decoding mode '", s, "' (expected free, constrained or likelihood)");
}

}  // namespace tmf
