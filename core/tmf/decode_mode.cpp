#include "tmf/decode_mode.h"

#include "util/error.h"
#include "util/strings.h"

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

std::vector<DecodeMode> parse_decode_modes(const std::string& comma_list) {
  std::vector<DecodeMode> out;
  for (const auto& d : split(comma_list, ',')) out.push_back(parse_decode_mode(std::string(trim(d))));
  return out;
}

const std::vector<std::string>& decode_mode_names() {
  static const std::vector<std::string> names = {decode_mode_name(DecodeMode::Free),
                                                 decode_mode_name(DecodeMode::Constrained),
                                                 decode_mode_name(DecodeMode::Likelihood)};
  return names;
}

}  // namespace tmf
