#include "prompt/answer_match.h"

#include <algorithm>

#include "util/strings.h"

namespace tmf {
namespace {
bool is_word_char(unsigned char c) { return std::isalnum(c) || c >= 0x80; }
}  // namespace

std::string normalize_answer(const std::string& text) {
  std::string first = text.substr(0, text.find('\n'));
  std::string low = lower(trim(first));
  std::string out;
  bool space = false;
  for (char c : low) {
    if (c == ' ' || c == '\t' || c == '\r') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

AnswerMatch match_answer(const std::string& output, const std::vector<std::string>& names) {
  const std::string out = normalize_answer(output);
  struct Span {
    size_t begin, end;
    int cand;
  };
  std::vector<Span> spans;
  for (size_t c = 0; c < names.size(); ++c) {
    const std::string name = normalize_answer(names[c]);
    if (name.empty()) continue;
    for (size_t pos = out.find(name); pos != std::string::npos; pos = out.find(name, pos + 1)) {
      size_t end = pos + name.size();
      bool left_ok = pos == 0 || !is_word_char(static_cast<unsigned char>(out[pos - 1])) ||
                     !is_word_char(static_cast<unsigned char>(name.front()));
      bool right_ok = end == out.size() || !is_word_char(static_cast<unsigned char>(out[end])) ||
                      !is_word_char(static_cast<unsigned char>(name.back()));
      if (left_ok && right_ok) spans.push_back(Span{pos, end, int(c)});
    }
  }
  AnswerMatch m;
  for (auto& s : spans) {
    bool contained = std::any_of(spans.begin(), spans.end(), [&](const Span& o) {
      return o.cand != s.cand && o.begin <= s.begin && s.end <= o.end && (o.end - o.begin) > (s.end - s.begin);
    });
    if (!contained && std::find(m.named.begin(), m.named.end(), s.cand) == m.named.end()) m.named.push_back(s.cand);
  }
  std::sort(m.named.begin(), m.named.end());
  return m;
}

}  // namespace tmf
