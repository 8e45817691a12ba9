// Shared by the tokenizer tests: the fixture model path, a temporary directory, a deterministic
// generator of awkward strings (unicode, whitespace runs, digits, punctuation, unseen characters,
// placeholders, the odd invalid byte) and a small trained corpus.
#pragma once
#include <filesystem>
#include <string>
#include <vector>

#include "util/rng.h"

namespace tmf::test {

inline std::string fixture_model() { return std::string(TMF_SHARED_DIR) + "/fixtures/hf-tiny/llama/tokenizer.model"; }

struct TempDir {
  std::string path;
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "tmf-toktest-XXXXXX").string();
    if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
    path = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
};

inline const std::vector<std::string>& placeholder_tokens() {
  static const std::vector<std::string> v = {"[MT_0]", "[MT_1]", "[MT_12]", "[MT_b]", "[HistoryEmb]", "[UserEmb]"};
  return v;
}

inline std::string utf8(uint32_t cp) {
  std::string s;
  if (cp < 0x80) {
    s += char(cp);
  } else if (cp < 0x800) {
    s += char(0xC0 | (cp >> 6));
    s += char(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    s += char(0xE0 | (cp >> 12));
    s += char(0x80 | ((cp >> 6) & 0x3F));
    s += char(0x80 | (cp & 0x3F));
  } else {
    s += char(0xF0 | (cp >> 18));
    s += char(0x80 | ((cp >> 12) & 0x3F));
    s += char(0x80 | ((cp >> 6) & 0x3F));
    s += char(0x80 | (cp & 0x3F));
  }
  return s;
}

// Random strings mixing the cases that trip tokenizers up. invalid_bytes adds the occasional
// malformed UTF-8 byte (sentencepiece turns it into U+FFFD).
class StringGen {
 public:
  // rare_chars: single characters drawn from large Unicode blocks (unseen by any model).
  explicit StringGen(uint64_t seed, bool placeholders, bool invalid_bytes, bool rare_chars = true)
      : rng_(seed), placeholders_(placeholders), invalid_(invalid_bytes), rare_(rare_chars) {}

  std::string next() {
    std::string s;
    const int parts = int(rng_.below(12));
    for (int i = 0; i < parts; ++i) s += fragment();
    return s;
  }

  std::string fragment() {
    static const std::vector<std::string> words = {
        "the", "user", "views", "grey", "athletic", "T-shirt", "adds", "to", "cart", "water", "bottle",
        "what's", "next", "purchase", "red", "shoes", "item", "bought", "and", "then", "clicked", "on",
        "a", "I", "The", "Running", "jacket", "sale", "price", "is", "of", "with", "for", "recommend"};
    static const std::vector<std::string> spaces = {" ", "  ", "   ", "\t", "\n", " \t ", "\n\n", "\r\n", "    "};
    static const std::vector<std::string> punct = {",", ".", "!", "?", ";", ":", "'", "\"", "-", "(", ")", "[",
                                                   "]", "{", "}", "<", ">", "/", "@", "#", "$", "%", "&", "*",
                                                   "_", "+", "=", "|", "\\", "~", "`", "^", "...", "--"};
    static const std::vector<std::string> unicode = {
        "日本語", "中文", "한국어", "😀", "👍🏽", "e\xCC\x81", "Ж", "ЖЖ", "привет", "Café", "ß", "ﬁ", "\xE2\x80\x8B",
        "\xC2\xA0", "שלום", "مرحبا", "▁", "▁▁", "Ωμέγα", "ñ", "Å", "\xE3\x80\x80", "🇫🇷", "∑", "€", "½", "<s>",
        "</s>", "<unk>", "<0x41>"};
    switch (rng_.below(placeholders_ ? 9 : 8)) {
      case 0:
      case 1:
      case 2: return words[rng_.below(words.size())] + (rng_.below(2) ? " " : "");
      case 3: return spaces[rng_.below(spaces.size())];
      case 4: {
        std::string d;
        const int n = 1 + int(rng_.below(8));
        for (int i = 0; i < n; ++i) d += char('0' + rng_.below(10));
        return d;
      }
      case 5: return punct[rng_.below(punct.size())];
      case 6: return unicode[rng_.below(unicode.size())];
      case 7: {  // unseen characters from a few blocks, or an invalid byte
        if (!rare_) return words[rng_.below(words.size())];
        if (invalid_ && rng_.below(6) == 0) {
          static const std::vector<std::string> bad = {"\xFF", "\xC3", "\x80", "\xED\xA0\x80", "\xF0\x9F", "\xC0\xAF"};
          return bad[rng_.below(bad.size())];
        }
        static const uint32_t blocks[][2] = {{0x100, 0x2FF}, {0x370, 0x52F}, {0x4E00, 0x9FFF}, {0x1F300, 0x1FAFF},
                                             {0x0E00, 0x0E7F}, {0x2000, 0x2BFF}, {0x10000, 0x1007F}};
        const auto& b = blocks[rng_.below(7)];
        return utf8(uint32_t(b[0] + rng_.below(b[1] - b[0] + 1)));
      }
      default: {
        const auto& p = placeholder_tokens();
        std::string t = p[rng_.below(p.size())];
        if (rng_.below(5) == 0) t = t.substr(0, 1 + rng_.below(t.size() - 1));  // a partial one
        return t;
      }
    }
  }

 private:
  Rng rng_;
  bool placeholders_, invalid_, rare_;
};

// A small deterministic training corpus in the shape of the project's prompts.
inline std::vector<std::string> training_corpus(int n) {
  StringGen gen(7, /*placeholders=*/true, /*invalid_bytes=*/false, /*rare_chars=*/false);
  Rng rng(11);
  static const std::vector<std::string> templates = {
      "The user viewed [MT_0] then [MT_1] and bought ", "History: [HistoryEmb] items ", "User [UserEmb] likes ",
      "Recommend the next item after [MT_12] for ", "Candidates: [MT_0], [MT_1], [MT_b]. Answer: "};
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i) {
    std::string s = templates[rng.below(templates.size())];
    const int k = 3 + int(rng.below(10));
    for (int j = 0; j < k; ++j) s += gen.fragment();
    out.push_back(s);
  }
  return out;
}

}  // namespace tmf::test
