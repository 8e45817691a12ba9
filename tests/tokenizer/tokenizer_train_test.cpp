// train_tokenizer: runs the real spm_train, deterministic, placeholders as user-defined symbols,
// failures carry the trainer's message, cancellation writes nothing.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>

#include "llm/tokenizer.h"
#include "llm/tokenizer_train.h"
#include "tokenizer_test_util.h"
#include "util/error.h"
#include "util/sha256.h"
#include "util/strings.h"

TEST(TokenizerTrain, DeterministicWithPlaceholders) {
  tmf::test::TempDir dir;
  const auto corpus = tmf::test::training_corpus(1500);
  tmf::TrainOptions o;
  o.vocab_size = 500;
  o.user_defined_symbols = {"[MT_0]", "[MT_1]", "[HistoryEmb]"};
  std::vector<std::string> stages;
  tmf::Progress progress;
  progress.callback = [&](const tmf::ProgressEvent& e) { stages.push_back(e.message); };
  tmf::train_tokenizer(corpus, o, dir.path + "/a.model", progress);
  tmf::train_tokenizer(corpus, o, dir.path + "/b.model", {});
  const std::string a = tmf::read_file(dir.path + "/a.model");
  EXPECT_EQ(tmf::sha256_hex(a), tmf::sha256_hex(tmf::read_file(dir.path + "/b.model")));  // byte-identical
  EXPECT_FALSE(stages.empty());

  const tmf::Tokenizer tok = tmf::Tokenizer::load(dir.path + "/a.model");
  EXPECT_EQ(tok.vocab_size(), 500);
  EXPECT_EQ(tok.unk_id(), 0);
  EXPECT_EQ(tok.bos_id(), 1);
  EXPECT_EQ(tok.eos_id(), 2);
  EXPECT_EQ(tok.pad_id(), -1);
  EXPECT_EQ(tok.piece(3), "[MT_0]");
  EXPECT_EQ(tok.piece(5), "[HistoryEmb]");
  EXPECT_EQ(tok.piece(6), "<0x00>");
  const auto ids = tok.encode("[HistoryEmb] then [MT_1]");
  EXPECT_EQ(std::count(ids.begin(), ids.end(), 5), 1);
  EXPECT_EQ(std::count(ids.begin(), ids.end(), 4), 1);
  EXPECT_EQ(tok.decode(ids), "[HistoryEmb] then [MT_1]");
  // Digits are split one per piece.
  for (int id : tok.encode("12345")) EXPECT_LE(tok.piece(id).size(), 4u) << tok.piece(id);
  // A different corpus gives a different model.
  auto other = corpus;
  other.resize(700);
  tmf::train_tokenizer(other, o, dir.path + "/c.model", {});
  EXPECT_NE(tmf::sha256_hex(a), tmf::sha256_hex(tmf::read_file(dir.path + "/c.model")));
}

TEST(TokenizerTrain, FailuresAreClearAndWriteNothing) {
  tmf::test::TempDir dir;
  const std::string out = dir.path + "/x.model";
  const auto corpus = tmf::test::training_corpus(200);
  tmf::TrainOptions o;
  o.vocab_size = 20;  // smaller than the required characters: the trainer refuses
  try {
    tmf::train_tokenizer(corpus, o, out, {});
    ADD_FAILURE() << "expected an error";
  } catch (const tmf::Error& e) {
    EXPECT_NE(std::string(e.what()).find("spm_train failed"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("ocab"), std::string::npos) << e.what();  // trainer's words
  }
  EXPECT_FALSE(std::filesystem::exists(out));

  o.vocab_size = 500;
  o.user_defined_symbols = {"[A],[B]"};
  EXPECT_THROW(tmf::train_tokenizer(corpus, o, out, {}), tmf::Error);
  o.user_defined_symbols = {};
  EXPECT_THROW(tmf::train_tokenizer({"", "  "}, o, out, {}), tmf::Error);
  o.spm_train_program = "/nonexistent/spm_train";
  EXPECT_THROW(tmf::train_tokenizer(corpus, o, out, {}), tmf::Error);
  EXPECT_FALSE(std::filesystem::exists(out));

  o.spm_train_program = "spm_train";
  std::atomic<bool> cancel{true};
  tmf::Progress p;
  p.cancel = &cancel;
  EXPECT_THROW(tmf::train_tokenizer(corpus, o, out, p), tmf::Cancelled);
  EXPECT_FALSE(std::filesystem::exists(out));
}
