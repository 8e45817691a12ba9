// `tmf llm` end to end: the built program on the hf-tiny fixture.
#include <gtest/gtest.h>

#include "cli_run.h"
#include "llm_test_util.h"
#include "util/strings.h"

using namespace tmf;
using test::gold;

namespace {
using test::run_tmf;
std::string csv(const std::vector<int64_t>& v) {
  std::string s;
  for (auto x : v) s += (s.empty() ? "" : ",") + std::to_string(x);
  return s;
}
std::string spaced(const std::vector<int64_t>& v) {
  std::string s;
  for (auto x : v) s += (s.empty() ? "" : " ") + std::to_string(x);
  return s;
}
}  // namespace

TEST(LlmCli, LogitsMatchGolden) {
  auto dir = test::scratch("cli_logits");
  auto ids = test::row(gold("llama.ids_a"), 0);
  auto r = run_tmf("llm logits --device cpu --model " + test::fixture("llama") + " --ids " + csv(ids) + " --out " + dir +
                   "/l.safetensors");
  ASSERT_EQ(r.rc, 0) << r.out;
  auto got = st::load_all(dir + "/l.safetensors").at("logits");
  EXPECT_LT(test::max_abs(got, gold("llama.logits_a")), 1e-4);
  // With the adapter.
  auto idb = test::row(gold("llama.ids_b"), 1);
  r = run_tmf("llm logits --device cpu --model " + test::fixture("llama") + " --adapter " + test::fixture("lora") +
              " --ids " + csv(idb) + " --out " + dir + "/b.safetensors");
  ASSERT_EQ(r.rc, 0) << r.out;
  EXPECT_LT(test::max_abs(st::load_all(dir + "/b.safetensors").at("logits")[0], gold("lora.logits_b")[1]), 1e-4);
}

TEST(LlmCli, GenerateIdsAndPrompt) {
  auto ids = test::row(gold("llama.ids_a"), 0);
  auto expect = spaced(test::row(gold("llama.greedy_a"), 0));
  auto r = run_tmf("llm generate --device cpu --model " + test::fixture("llama") + " --ids " + csv(ids) +
                   " --max-new-tokens 12 --no-stop");
  ASSERT_EQ(r.rc, 0) << r.out;
  EXPECT_EQ(r.out.substr(0, r.out.find('\n')), expect);
  // --prompt: BOS + encode(text) is ids_a (golden.json tokenizer case 0).
  r = run_tmf("llm generate --device cpu --model " + test::fixture("llama") +
              " --prompt \"The user views grey athletic T-shirt, adds to cart water bottle, what's next to purchase?\""
              " --max-new-tokens 12 --no-stop");
  ASSERT_EQ(r.rc, 0) << r.out;
  EXPECT_EQ(r.out.substr(0, r.out.find('\n')), expect);
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 2);
}

TEST(LlmCli, Errors) {
  auto r = run_tmf("llm logits --device cpu --model " + test::fixture("llama") + " --ids 1,x --out /tmp/x.safetensors");
  EXPECT_NE(r.rc, 0);
  EXPECT_NE(r.out.find("'x'"), std::string::npos) << r.out;
  r = run_tmf("llm generate --device cpu --model " + test::fixture("llama") + " --ids 1,999 --max-new-tokens 2");
  EXPECT_NE(r.rc, 0);
  EXPECT_NE(r.out.find("999"), std::string::npos) << r.out;
  r = run_tmf("llm generate --device cpu --model /nonexistent --ids 1 --max-new-tokens 2");
  EXPECT_NE(r.rc, 0);
  EXPECT_NE(r.out.find("/nonexistent"), std::string::npos) << r.out;
  // Issue 19: more new tokens than the model has positions is refused before generating (it ran
  // past 60 s), and so is a negative count (it said "missing required option").
  r = run_tmf("llm generate --device cpu --model " + test::fixture("llama") + " --ids 1,5 --max-new-tokens 100000 --no-stop");
  EXPECT_NE(r.rc, 0);
  EXPECT_NE(r.out.find("the model has 256"), std::string::npos) << r.out;
  r = run_tmf("llm generate --device cpu --model " + test::fixture("llama") + " --ids 1,5 --max-new-tokens -1");
  EXPECT_NE(r.rc, 0);
  EXPECT_NE(r.out.find("must be in [1, 1000000], got -1"), std::string::npos) << r.out;
}
