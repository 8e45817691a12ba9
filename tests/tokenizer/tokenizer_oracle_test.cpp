// Differential test: tmf::Tokenizer against the real sentencepiece library (the oracle) on many
// generated strings, on the Llama fixture model and on models trained by train_tokenizer (with
// placeholders as user-defined symbols, with and without remove_extra_whitespaces). Encode ids and
// decoded text must be identical; decode of random id sequences too.
#include <gtest/gtest.h>
#include <sentencepiece_processor.h>

#include <chrono>
#include <cstdio>

#include "llm/tokenizer.h"
#include "llm/tokenizer_train.h"
#include "tokenizer_test_util.h"

using tmf::Tokenizer;

namespace {

constexpr int kStringsPerModel = 6000;

struct TrainedModels {
  tmf::test::TempDir dir;
  std::string llama_like;  // remove_extra_whitespaces = false, placeholders
  std::string collapsing;  // remove_extra_whitespaces = true
};

const TrainedModels& trained() {
  static TrainedModels* m = [] {
    auto* t = new TrainedModels;
    const auto corpus = tmf::test::training_corpus(3000);
    tmf::TrainOptions o;
    o.vocab_size = 800;
    o.user_defined_symbols = tmf::test::placeholder_tokens();
    t->llama_like = t->dir.path + "/llama_like.model";
    tmf::train_tokenizer(corpus, o, t->llama_like, {});
    o.remove_extra_whitespaces = true;
    o.vocab_size = 600;
    t->collapsing = t->dir.path + "/collapsing.model";
    tmf::train_tokenizer(corpus, o, t->collapsing, {});
    return t;
  }();
  return *m;
}

std::vector<std::string> edge_strings() {
  return {"", " ", "  ", "\t", "\n", "a", " a", "a ", "  a  b  ", " \t a\n", "▁", " ▁ ", "▁a", "0", "007",
          "1234567890", "3.14", "-1", "a1b2", "<s>", "</s>", "<unk>", "<0x41>", "\xE2\x81\x87", "\xFF",
          "\xC3", "\xED\xA0\x80", "\xEF\xBF\xBD", "日本語", "😀😀😀", "e\xCC\x81", "[MT_1]", " [MT_1] ",
          "[MT_1][MT_12]", "[MT_", "x[MT_b]y", "[HistoryEmb]  [UserEmb]", "   [MT_0]", "[MT_0]   "};
}

struct Tally {
  int strings = 0, agreed = 0;
};

Tally differential(const std::string& path, const Tokenizer& ours, uint64_t seed, bool placeholders) {
  sentencepiece::SentencePieceProcessor sp;
  const auto st = sp.Load(path);
  EXPECT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(sp.GetPieceSize(), ours.vocab_size());
  Tally t;
  tmf::test::StringGen gen(seed, placeholders, /*invalid_bytes=*/true);
  auto one = [&](const std::string& s) {
    std::vector<int> want;
    EXPECT_TRUE(sp.Encode(s, &want).ok());
    const std::vector<int> got = ours.encode(s);
    std::string want_text;
    EXPECT_TRUE(sp.Decode(want, &want_text).ok());
    const std::string got_text = ours.decode(got);
    ++t.strings;
    if (got == want && got_text == want_text) {
      ++t.agreed;
    } else if (t.strings - t.agreed <= 5) {
      ADD_FAILURE() << path << ": disagreement on '" << s << "' (ids equal " << (got == want) << ", decode equal "
                    << (got_text == want_text) << ")";
    }
  };
  for (const auto& s : edge_strings()) one(s);
  while (t.strings < kStringsPerModel) one(gen.next());
  return t;
}

void random_decode(const std::string& path, const Tokenizer& ours, uint64_t seed) {
  sentencepiece::SentencePieceProcessor sp;
  ASSERT_TRUE(sp.Load(path).ok());
  tmf::Rng rng(seed);
  int bad = 0;
  for (int i = 0; i < 3000; ++i) {
    std::vector<int> ids(rng.below(16));
    for (int& id : ids) {
      // Favour byte pieces (ids 3..258 in these models) so partial UTF-8 sequences occur.
      id = rng.below(2) ? int(rng.below(uint64_t(ours.vocab_size()))) : int(3 + rng.below(256));
      if (id >= ours.vocab_size()) id = 0;
    }
    std::string want;
    ASSERT_TRUE(sp.Decode(ids, &want).ok());
    if (ours.decode(ids) != want && ++bad <= 5) ADD_FAILURE() << path << ": decode differs for sequence " << i;
  }
  EXPECT_EQ(bad, 0);
}

}  // namespace

TEST(TokenizerOracle, FixtureModelAgreesWithSentencepiece) {
  const Tokenizer tok = Tokenizer::load(tmf::test::fixture_model());
  const Tally t = differential(tmf::test::fixture_model(), tok, 1, /*placeholders=*/true);
  std::printf("[oracle] fixture llama model: %d/%d strings agreed\n", t.agreed, t.strings);
  EXPECT_EQ(t.agreed, t.strings);
  EXPECT_GE(t.strings, 5000);
  random_decode(tmf::test::fixture_model(), tok, 2);
}

TEST(TokenizerOracle, TrainedModelWithPlaceholdersAgreesWithSentencepiece) {
  const std::string path = trained().llama_like;
  const Tokenizer tok = Tokenizer::load(path);
  // The placeholders are user-defined pieces right after unk/bos/eos, and special.
  for (size_t i = 0; i < tmf::test::placeholder_tokens().size(); ++i) {
    EXPECT_EQ(tok.piece(3 + int(i)), tmf::test::placeholder_tokens()[i]);
    EXPECT_TRUE(tok.is_special(3 + int(i)));
  }
  const Tally t = differential(path, tok, 3, /*placeholders=*/true);
  std::printf("[oracle] trained model (placeholders, spaces kept): %d/%d strings agreed, vocab %d\n", t.agreed,
              t.strings, tok.vocab_size());
  EXPECT_EQ(t.agreed, t.strings);
  random_decode(path, tok, 4);
}

TEST(TokenizerOracle, TrainedModelCollapsingSpacesAgreesWithSentencepiece) {
  const std::string path = trained().collapsing;
  const Tokenizer tok = Tokenizer::load(path);
  const Tally t = differential(path, tok, 5, /*placeholders=*/true);
  std::printf("[oracle] trained model (remove_extra_whitespaces): %d/%d strings agreed, vocab %d\n", t.agreed,
              t.strings, tok.vocab_size());
  EXPECT_EQ(t.agreed, t.strings);
  random_decode(path, tok, 6);
}

// Throughput on one long text (~1 MB); ids must still match the library exactly.
TEST(TokenizerOracle, LongTextSpeedAndAgreement) {
  const std::string path = trained().llama_like;
  const Tokenizer tok = Tokenizer::load(path);
  sentencepiece::SentencePieceProcessor sp;
  ASSERT_TRUE(sp.Load(path).ok());
  tmf::test::StringGen gen(9, /*placeholders=*/true, /*invalid_bytes=*/false);
  std::vector<std::string> prompts;
  size_t bytes = 0;
  while (bytes < 1000000) {
    prompts.push_back(gen.next() + gen.next() + gen.next());
    bytes += prompts.back().size();
  }
  using Clock = std::chrono::steady_clock;
  size_t tokens = 0;
  auto t0 = Clock::now();
  std::vector<std::vector<int>> ours;
  for (const auto& p : prompts) {
    ours.push_back(tok.encode(p));
    tokens += ours.back().size();
  }
  const double ours_s = std::chrono::duration<double>(Clock::now() - t0).count();
  t0 = Clock::now();
  std::vector<std::vector<int>> theirs(prompts.size());
  for (size_t i = 0; i < prompts.size(); ++i) ASSERT_TRUE(sp.Encode(prompts[i], &theirs[i]).ok());
  const double spm_s = std::chrono::duration<double>(Clock::now() - t0).count();
  EXPECT_EQ(ours, theirs);

  std::string joined;
  for (const auto& p : prompts) joined += p;
  t0 = Clock::now();
  const auto long_ids = tok.encode(joined);
  const double long_s = std::chrono::duration<double>(Clock::now() - t0).count();
  std::vector<int> long_want;
  ASSERT_TRUE(sp.Encode(joined, &long_want).ok());
  EXPECT_EQ(long_ids, long_want);
  std::printf("[speed] %zu prompts, %zu bytes, %zu tokens: ours %.0f tokens/s, sentencepiece %.0f tokens/s; "
              "one %zu-byte text: %.0f tokens/s\n",
              prompts.size(), bytes, tokens, double(tokens) / ours_s, double(tokens) / spm_s, joined.size(),
              double(long_ids.size()) / long_s);
}
