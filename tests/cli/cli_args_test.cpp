// The option parser of the tmf program (app/tmf/command.h): what it accepts, what it refuses as a
// usage error before a command runs, and the programming errors that keep help and parser in step.
#include <gtest/gtest.h>

#include "command.h"

namespace tmf::cli {
namespace {

Spec sample() {
  return Spec("sample", "a command for tests")
      .required("dataset", "FILE", "dataset file")
      .text("split", "NAME", "default", "split")
      .text("out", "DIR", "", "output")
      .computed_default("FILE.out")
      .integer("history", "20", 1, 1000, "history")
      .integer("steps", "", 0, 1 << 20, "steps")
      .computed_default("the recipe's")
      .number("lr", "0.001", 1e-9, 1.0, "learning rate")
      .choice("mode", {"random", "hard"}, "random", "mode")
      .repeated("set", "KEY=VALUE", "override")
      .flag("redo", "redo")
      .positionals("FILE...", 0, 2, "more files")
      .example("tmf sample --dataset d.tmfdb");
}

Args parse(const Spec& s, std::vector<std::string> argv) { return Args(s, std::move(argv)); }

TEST(CliArgs, ReadsValuesDefaultsAndFallbacks) {
  const Spec s = sample();
  Args a = parse(s, {"--dataset", "d.tmfdb", "--history=7", "--lr", "0.5", "--mode", "hard", "--set", "a=1", "x.tmfdb",
                     "--set=b=2", "--redo"});
  EXPECT_EQ(a.req("dataset"), "d.tmfdb");
  EXPECT_EQ(a.get("split"), "default");
  EXPECT_EQ(a.get("out", "d.tmfdb.out"), "d.tmfdb.out");
  EXPECT_EQ(a.get_int("history"), 7);
  EXPECT_EQ(a.get_int("steps", 300), 300);
  EXPECT_DOUBLE_EQ(a.get_double("lr"), 0.5);
  EXPECT_EQ(a.get("mode"), "hard");
  EXPECT_EQ(a.all("set"), (std::vector<std::string>{"a=1", "b=2"}));
  EXPECT_TRUE(a.flag("redo"));
  EXPECT_TRUE(a.has("history"));
  EXPECT_FALSE(a.has("split"));
  EXPECT_EQ(a.positionals(), (std::vector<std::string>{"x.tmfdb"}));

  Args b = parse(s, {"--dataset=d", "--", "--not-an-option"});
  EXPECT_EQ(b.positionals(), (std::vector<std::string>{"--not-an-option"}));
  EXPECT_EQ(b.get_int("history"), 20);
  EXPECT_FALSE(b.flag("redo"));
  EXPECT_FALSE(b.opt("out").has_value());
}

// Each refusal is a UsageError whose message names the option and the value.
void expect_usage_error(const Spec& s, std::vector<std::string> argv, const std::string& needle) {
  try {
    Args a(s, argv);
    ADD_FAILURE() << "accepted; expected an error naming '" << needle << "'";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
  }
}

TEST(CliArgs, RefusesBadCommandLinesBeforeTheCommandRuns) {
  const Spec s = sample();
  expect_usage_error(s, {}, "missing required option --dataset FILE");
  expect_usage_error(s, {"--dataset", "d", "--histroy", "3"}, "unknown option --histroy (did you mean --history?)");
  expect_usage_error(s, {"--dataset", "d", "--zzzzzz"}, "unknown option --zzzzzz");
  expect_usage_error(s, {"--dataset"}, "option --dataset needs a value (FILE)");
  expect_usage_error(s, {"--dataset", "d", "--history", "0"}, "option --history must be in [1, 1000], got 0");
  expect_usage_error(s, {"--dataset", "d", "--history", "7x"}, "expects an integer, got '7x'");
  expect_usage_error(s, {"--dataset", "d", "--lr", "nan"}, "must be a finite number");
  expect_usage_error(s, {"--dataset", "d", "--lr", "2"}, "--lr must be a finite number in [1e-09, 1], got 2");
  expect_usage_error(s, {"--dataset", "d", "--mode", "easy"}, "--mode must be one of random|hard, got 'easy'");
  expect_usage_error(s, {"--dataset", "d", "--redo=yes"}, "option --redo takes no value");
  expect_usage_error(s, {"--dataset", "d", "--split", "a", "--split", "b"}, "--split is given more than once");
  expect_usage_error(s, {"--dataset", "d", "a", "b", "c"}, "at most 2 FILE... accepted, got 3");
  const Spec none = Spec("none", "no positionals").flag("json", "json");
  expect_usage_error(none, {"stray"}, "unexpected argument 'stray'");
  const Spec one = Spec("one", "one positional").positionals("TEXT", 1, 1, "text");
  expect_usage_error(one, {}, "missing TEXT");
}

TEST(CliArgs, ReadingWhatTheSpecDoesNotDeclareIsAProgrammingError) {
  const Spec s = sample();
  Args a = parse(s, {"--dataset", "d"});
  EXPECT_THROW(a.get("undeclared"), std::logic_error);
  EXPECT_THROW(a.flag("split"), std::logic_error);          // a text option read as a flag
  EXPECT_THROW(a.get_int("split"), std::logic_error);       // ... as an integer
  EXPECT_THROW(a.get_int("history", 5), std::logic_error);  // a fallback beside a declared default
  EXPECT_THROW(a.get("out"), std::logic_error);             // no declared default, no fallback
  EXPECT_THROW(Spec("x", "y").flag("a", "").flag("a", ""), std::logic_error);
  EXPECT_THROW(Spec("x", "y").flag("help", ""), std::logic_error);
  EXPECT_THROW(Spec("x", "y").choice("m", {"a", "b"}, "c", ""), std::logic_error);
  EXPECT_THROW(Spec("x", "y").text("a", "A", "1", "").computed_default("z"), std::logic_error);
}

TEST(CliArgs, HelpListsEveryOptionWithItsDefaultAndExamples) {
  const Spec s = sample();
  const std::string h = help_text(s);
  EXPECT_EQ(h.rfind("usage: tmf sample --dataset FILE [options] [FILE...]\n", 0), 0u) << h;
  EXPECT_NE(h.find("A command for tests."), std::string::npos) << h;
  for (const auto& o : s.options) EXPECT_NE(h.find("--" + o.name), std::string::npos) << o.name;
  EXPECT_NE(h.find("(default: default)"), std::string::npos) << h;
  EXPECT_NE(h.find("(default: FILE.out)"), std::string::npos) << h;
  EXPECT_NE(h.find("(default: the recipe's)"), std::string::npos) << h;
  EXPECT_NE(h.find("[1 to 1000]"), std::string::npos) << h;
  EXPECT_NE(h.find("--mode random|hard"), std::string::npos) << h;
  EXPECT_NE(h.find("(repeatable)"), std::string::npos) << h;
  EXPECT_NE(h.find("-h, --help"), std::string::npos) << h;
  EXPECT_NE(h.find("example:\n  tmf sample --dataset d.tmfdb\n"), std::string::npos) << h;
  for (size_t start = 0, end; (end = h.find('\n', start)) != std::string::npos; start = end + 1)
    EXPECT_LE(end - start, 100u) << h.substr(start, end - start);  // wrapped for a terminal
}

}  // namespace
}  // namespace tmf::cli
