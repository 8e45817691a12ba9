// `tmf tokenize`: runs the built program and checks its output against the golden ids.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <cstdio>
#include <string>

namespace {

// Runs a command through popen (test-only; the arguments are fixed strings) and returns stdout.
std::string run(const std::string& cmd, int& status) {
  std::string out;
  FILE* f = ::popen(cmd.c_str(), "r");
  if (!f) return out;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
  status = ::pclose(f);
  return out;
}

const std::string kTool = std::string(TMF_TOOL_DIR) + "/tmf";
const std::string kModel = std::string(TMF_SHARED_DIR) + "/fixtures/hf-tiny/llama/tokenizer.model";

}  // namespace

TEST(TokenizeCli, PrintsIdsWithoutBos) {
  int status = -1;
  const std::string out = run(kTool + " tokenize --tokenizer '" + kModel + "' 'SKU-778-XL 32GB 165Hz'", status);
  EXPECT_EQ(WEXITSTATUS(status), 0);
  EXPECT_EQ(out, "312 359 368 370 338 346 346 363 338 350 369 312 355 340 287 312 339 345 357 366 360\n");
}

TEST(TokenizeCli, EmptyTextPrintsEmptyLine) {
  int status = -1;
  EXPECT_EQ(run(kTool + " tokenize --tokenizer '" + kModel + "' ''", status), "\n");
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

TEST(TokenizeCli, BadModelFails) {
  int status = -1;
  const std::string out = run(kTool + " tokenize --tokenizer /nonexistent.model hello 2>&1", status);
  EXPECT_NE(WEXITSTATUS(status), 0);
  EXPECT_NE(out.find("/nonexistent.model"), std::string::npos) << out;
  run(kTool + " tokenize hello 2>/dev/null", status);
  EXPECT_NE(WEXITSTATUS(status), 0);
}
