// Tokenizer against the reference outputs in fixtures/hf-tiny/golden.json (transformers +
// sentencepiece 0.2.2), plus the API contract: ids, placeholders, bad input.
#include <gtest/gtest.h>

#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>

#include "llm/tokenizer.h"
#include "tokenizer_test_util.h"
#include "util/error.h"
#include "util/sha256.h"
#include "util/strings.h"

using tmf::Tokenizer;

namespace {

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const tmf::Error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(TokenizerGolden, EveryCaseExact) {
  const auto golden = nlohmann::json::parse(tmf::read_file(std::string(TMF_SHARED_DIR) + "/fixtures/hf-tiny/golden.json"));
  const Tokenizer tok = Tokenizer::load(tmf::test::fixture_model());
  ASSERT_GE(golden.at("tokenizer_cases").size(), 5u);
  for (const auto& c : golden.at("tokenizer_cases")) {
    const std::string text = c.at("text");
    const std::vector<int> ids = c.at("ids");
    EXPECT_EQ(tok.encode(text), ids) << "text: " << text;
    EXPECT_EQ(tok.decode(ids), c.at("decoded").get<std::string>()) << "text: " << text;
  }
}

TEST(TokenizerGolden, LlamaIdsAndPieces) {
  const Tokenizer tok = Tokenizer::load(tmf::test::fixture_model());
  EXPECT_EQ(tok.unk_id(), 0);
  EXPECT_EQ(tok.bos_id(), 1);
  EXPECT_EQ(tok.eos_id(), 2);
  EXPECT_EQ(tok.pad_id(), -1);
  EXPECT_EQ(tok.vocab_size(), 384);
  EXPECT_EQ(tok.piece(1), "<s>");
  EXPECT_EQ(tok.piece(3 + 0x41), "<0x41>");
  EXPECT_THROW(tok.piece(384), tmf::Error);
  EXPECT_THROW(tok.piece(-1), tmf::Error);
  EXPECT_EQ(tok.sha256(), tmf::sha256_hex(tmf::read_file(tmf::test::fixture_model())));
  // bos and unk are banned in generation, eos is not.
  EXPECT_TRUE(tok.is_special(1));
  EXPECT_TRUE(tok.is_special(0));
  EXPECT_FALSE(tok.is_special(2));
  EXPECT_FALSE(tok.is_special(300));
  EXPECT_EQ(tok.special_ids(), (std::vector<int>{0, 1}));
  // Control pieces vanish and unk shows as " ⁇ " in decoded text.
  EXPECT_EQ(tok.decode({1, 303, 2}), tok.decode({303}));
  EXPECT_EQ(tok.decode({0}), " \xE2\x81\x87 ");
  EXPECT_THROW(tok.decode({384}), tmf::Error);
  EXPECT_THROW(tok.decode({-5}), tmf::Error);
}

TEST(TokenizerPlaceholders, AddedTokensAreNeverSplitAndDecodeAsText) {
  Tokenizer tok = Tokenizer::load(tmf::test::fixture_model());
  const std::string before = tok.sha256();
  const int n = tok.vocab_size();
  std::vector<int> ids;
  for (const auto& p : tmf::test::placeholder_tokens()) ids.push_back(tok.add_special_token(p));
  for (size_t i = 0; i < ids.size(); ++i) EXPECT_EQ(ids[i], n + int(i));
  EXPECT_EQ(tok.vocab_size(), n + int(ids.size()));
  EXPECT_EQ(tok.add_special_token("[MT_1]"), ids[1]);  // idempotent
  EXPECT_NE(tok.sha256(), before);
  for (int id : ids) EXPECT_TRUE(tok.is_special(id));
  const auto special = tok.special_ids();
  for (int id : ids) EXPECT_TRUE(std::count(special.begin(), special.end(), id)) << id;

  // Sentencepiece's rule for user-defined symbols: one dummy prefix at the start of the text, a
  // lone "▁" before a placeholder that follows a space, nothing inserted after it.
  ASSERT_EQ(tok.piece(312), "\xE2\x96\x81");  // "▁" in the fixture
  EXPECT_EQ(tok.encode("[MT_1]"), (std::vector<int>{312, ids[1]}));
  auto got = tok.encode("[MT_1][MT_12]x");
  ASSERT_GE(got.size(), 3u);
  EXPECT_EQ(got[0], 312);
  EXPECT_EQ(got[1], ids[1]);
  EXPECT_EQ(got[2], ids[2]);
  EXPECT_EQ(tok.decode(got), "[MT_1][MT_12]x");
  // Every placeholder in a random text comes out as its own id, never split.
  tmf::test::StringGen gen(5, /*placeholders=*/true, /*invalid_bytes=*/false);
  int seen = 0;
  for (int i = 0; i < 2000; ++i) {
    const std::string s = gen.next();
    const auto e = tok.encode(s);
    size_t count_text = 0, count_ids = 0;
    for (size_t k = 0; k < ids.size(); ++k) {
      const std::string& p = tmf::test::placeholder_tokens()[k];
      for (size_t pos = s.find(p); pos != std::string::npos; pos = s.find(p, pos + p.size())) ++count_text;
      count_ids += size_t(std::count(e.begin(), e.end(), ids[k]));
    }
    EXPECT_EQ(count_ids, count_text) << s;  // each occurrence is exactly one id
    seen += int(count_ids);
    // Decoding restores the text exactly (byte fallback covers everything), except that a literal
    // "▁" in the input reads back as a space, as in sentencepiece.
    if (s.find("\xE2\x96\x81") == std::string::npos) {
      EXPECT_EQ(tok.decode(e), s) << s;
    }
  }
  EXPECT_GT(seen, 500);
}

TEST(TokenizerGolden, CopiesAreIndependent) {
  auto original = std::make_unique<Tokenizer>(Tokenizer::load(tmf::test::fixture_model()));
  original->add_special_token("[MT_0]");
  Tokenizer copy = *original;
  Tokenizer assigned = Tokenizer::load(tmf::test::fixture_model());
  assigned = *original;
  const std::string text = "Café [MT_0] SKU-778-XL 32GB what's next?";
  const auto want = original->encode(text);
  original.reset();  // the copies must not point into it
  EXPECT_EQ(copy.encode(text), want);
  EXPECT_EQ(assigned.encode(text), want);
  copy.add_special_token("[MT_1]");
  EXPECT_EQ(copy.vocab_size(), assigned.vocab_size() + 1);
  EXPECT_EQ(copy.encode("[MT_1]").size(), 2u);      // "▁" "[MT_1]"
  EXPECT_GT(assigned.encode("[MT_1]").size(), 2u);  // split: not a placeholder there
}

TEST(TokenizerPlaceholders, RejectsBadTokens) {
  Tokenizer tok = Tokenizer::load(tmf::test::fixture_model());
  EXPECT_THROW(tok.add_special_token(""), tmf::Error);
  EXPECT_THROW(tok.add_special_token("a b"), tmf::Error);
  EXPECT_THROW(tok.add_special_token("\xFF"), tmf::Error);
  // An existing piece keeps its id and becomes unsplittable.
  const int id = tok.add_special_token("<s>");
  EXPECT_EQ(id, 1);
  EXPECT_EQ(tok.encode("<s>"), (std::vector<int>{312, 1}));
}

TEST(TokenizerLoad, BadInputGivesClearErrors) {
  tmf::test::TempDir dir;
  const std::string missing = dir.path + "/nope.model";
  std::string msg = error_of([&] { Tokenizer::load(missing); });
  EXPECT_NE(msg.find(missing), std::string::npos) << msg;

  const std::string text = dir.path + "/text.model";
  tmf::write_file_atomic(text, "this is a plain text file, not a model\n");
  msg = error_of([&] { Tokenizer::load(text); });
  EXPECT_NE(msg.find(text), std::string::npos) << msg;

  const std::string empty = dir.path + "/empty.model";
  tmf::write_file_atomic(empty, "");
  msg = error_of([&] { Tokenizer::load(empty); });
  EXPECT_NE(msg.find(empty), std::string::npos) << msg;

  const std::string json = dir.path + "/config.model";
  tmf::write_file_atomic(json, tmf::read_file(std::string(TMF_SHARED_DIR) + "/fixtures/hf-tiny/llama/config.json"));
  msg = error_of([&] { Tokenizer::load(json); });
  EXPECT_NE(msg.find(json), std::string::npos) << msg;

  const std::string good = tmf::read_file(tmf::test::fixture_model());
  // Every truncation either fails cleanly naming the file or (cut at a message boundary) loads.
  const std::string cut = dir.path + "/cut.model";
  int failed = 0;
  for (size_t n = 1; n < good.size(); n += 7) {
    msg = error_of([&] { Tokenizer::from_bytes(good.substr(0, n), cut); });
    if (!msg.empty()) {
      ++failed;
      EXPECT_NE(msg.find(cut), std::string::npos) << msg;
    }
  }
  EXPECT_GT(failed, 100);
  // Random byte flips never crash.
  tmf::Rng rng(3);
  for (int i = 0; i < 2000; ++i) {
    std::string b = good;
    for (int k = 0; k < 4; ++k) b[rng.below(b.size())] = char(rng.below(256));
    try {
      Tokenizer t = Tokenizer::from_bytes(b, "flipped");
      t.encode("hello world 123 日本");
    } catch (const tmf::Error&) {
    }
  }
}
