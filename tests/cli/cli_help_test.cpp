// The tmf program's command line as a user meets it: every command and subcommand answers --help
// with its usage, options and an example, and exits 0; every option --help lists is one the parser
// accepts; wrong options exit 2 with the usage line, runtime failures exit 1; former hyphenated
// names still work but are not listed; --version names the libraries; the bash completion
// generated from the same declarations completes commands, options and choices.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "cli_run.h"

namespace {

using tmf::test::run_command;
using tmf::test::run_tmf;

// The names in a help text's "commands:" section (two-space indent, then the name).
std::vector<std::string> listed_commands(const std::string& help) {
  std::vector<std::string> out;
  const size_t start = help.find("\ncommands:\n");
  if (start == std::string::npos) return out;
  std::istringstream lines(help.substr(start + 11));
  std::string line;
  while (std::getline(lines, line) && !line.empty())
    if (line.size() > 2 && line[0] == ' ' && line[1] == ' ' && line[2] != ' ') out.push_back(line.substr(2, line.find(' ', 2) - 2));
  return out;
}

// Every command path, found the way a user finds them: tmf --help, then each group's --help.
std::vector<std::string> all_commands() {
  std::vector<std::string> paths;
  for (const auto& word : listed_commands(run_tmf("--help").out)) {
    const auto r = run_tmf(word + " --help");
    const auto subs = listed_commands(r.out);
    if (subs.empty()) paths.push_back(word);
    for (const auto& s : subs) paths.push_back(word + " " + s);
  }
  return paths;
}

// The options a help text lists: "--name" or "--name METAVAR" at the start of an option line.
struct Listed {
  std::string name;
  bool takes_value;
};
std::vector<Listed> listed_options(const std::string& help) {
  std::vector<Listed> out;
  std::istringstream lines(help);
  std::string line;
  while (std::getline(lines, line))
    if (line.rfind("  --", 0) == 0) {
      const size_t end = line.find(' ', 4);
      const std::string name = line.substr(4, end == std::string::npos ? std::string::npos : end - 4);
      const bool value = end != std::string::npos && end + 1 < line.size() && line[end + 1] != ' ';
      out.push_back({name, value});
    }
  return out;
}

TEST(CliHelp, EveryCommandAnswersHelpAndAcceptsWhatItLists) {
  const auto top = run_tmf("--help");
  ASSERT_EQ(top.rc, 0) << top.out;
  EXPECT_EQ(top.out.rfind("usage: tmf COMMAND [options]", 0), 0u) << top.out;
  EXPECT_EQ(run_tmf("-h").out, top.out);
  EXPECT_EQ(run_tmf("help").out, top.out);
  // One name per command: the former hyphenated names are not listed.
  for (const char* old : {"bench-quality", "bench-llm", "data-generate", "data-audit"})
    EXPECT_EQ(top.out.find(old), std::string::npos) << old;

  const auto paths = all_commands();
  const std::set<std::string> expected = {"train",        "eval",           "infer",         "ablate",          "data import",
                                          "data stats",   "data split",     "data generate", "bench quality",   "bench model",
                                          "llm generate", "clip embed-text", "mbht train",   "rate create",     "rate stats",
                                          "tokenize",     "version"};
  for (const auto& e : expected) EXPECT_NE(std::find(paths.begin(), paths.end(), e), paths.end()) << e;
  ASSERT_GE(paths.size(), 25u);

  for (const auto& path : paths) {
    SCOPED_TRACE(path);
    const auto h = run_tmf(path + " --help");
    ASSERT_EQ(h.rc, 0) << h.out;
    EXPECT_EQ(h.out.rfind("usage: tmf " + path, 0), 0u) << h.out;
    EXPECT_NE(h.out.find("\noptions:\n"), std::string::npos) << h.out;
    EXPECT_NE(h.out.find("\nexample"), std::string::npos) << h.out;
    EXPECT_EQ(run_tmf(path + " -h").out, h.out);
    EXPECT_EQ(run_tmf("help " + path).out, h.out);
    // --help wins over anything else on the line, and runs nothing.
    EXPECT_EQ(run_tmf(path + " --no-such-option --help").rc, 0);
    // Each listed option is known to the parser: the error is about the sentinel after it (or
    // about the value "@"), never "unknown option --NAME".
    for (const auto& o : listed_options(h.out)) {
      if (o.name == "help") continue;
      const auto r = run_tmf(path + " --" + o.name + (o.takes_value ? "=@" : "") + " --zz-sentinel");
      EXPECT_EQ(r.rc, 2) << "--" << o.name << ": " << r.out;
      EXPECT_EQ(r.out.find("unknown option --" + o.name + " "), std::string::npos) << r.out;
      EXPECT_EQ(r.out.find("unknown option --" + o.name + "\n"), std::string::npos) << r.out;
    }
  }
}

TEST(CliHelp, UsageErrorsExitTwoAndRuntimeFailuresOne) {
  auto r = run_tmf("train --datset x.tmfdb --out /tmp/never");
  EXPECT_EQ(r.rc, 2) << r.out;
  EXPECT_NE(r.out.find("unknown option --datset (did you mean --dataset?)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("usage: tmf train --dataset FILE --out DIR [options]"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("tmf train --help"), std::string::npos) << r.out;

  r = run_tmf("rate stats --dataset x.tmfdb");
  EXPECT_EQ(r.rc, 2) << r.out;
  EXPECT_NE(r.out.find("missing required option --study"), std::string::npos) << r.out;

  r = run_tmf("eval --dataset x.tmfdb --model m --decode greedy");
  EXPECT_EQ(r.rc, 2) << r.out;
  EXPECT_NE(r.out.find("--decode must be one of free|constrained|likelihood, got 'greedy'"), std::string::npos) << r.out;

  r = run_tmf("data split --dataset x.tmfdb --history -3");
  EXPECT_EQ(r.rc, 2) << r.out;

  r = run_tmf("no-such-command");
  EXPECT_EQ(r.rc, 2) << r.out;
  EXPECT_NE(r.out.find("unknown command 'no-such-command'"), std::string::npos) << r.out;
  r = run_tmf("data no-such");
  EXPECT_EQ(r.rc, 2) << r.out;
  EXPECT_NE(r.out.find("unknown command 'data no-such'"), std::string::npos) << r.out;
  r = run_tmf("data");  // a group without its command: its help on stderr, exit 2
  EXPECT_EQ(r.rc, 2) << r.out;
  EXPECT_NE(r.out.find("usage: tmf data COMMAND"), std::string::npos) << r.out;

  r = run_tmf("data stats /nonexistent/x.tmfdb");  // well-formed, fails at run time
  EXPECT_EQ(r.rc, 1) << r.out;
  EXPECT_NE(r.out.find("/nonexistent/x.tmfdb"), std::string::npos) << r.out;
}

TEST(CliHelp, FormerNamesStillWork) {
  auto r = run_tmf("bench-quality --help");
  EXPECT_EQ(r.rc, 0) << r.out;
  EXPECT_EQ(r.out.rfind("usage: tmf bench quality", 0), 0u) << r.out;
  r = run_tmf("data-generate --help");
  EXPECT_EQ(r.rc, 0) << r.out;
  EXPECT_EQ(r.out.rfind("usage: tmf data generate", 0), 0u) << r.out;
}

TEST(CliHelp, VersionNamesTheLibraries) {
  const auto r = run_tmf("--version");
  ASSERT_EQ(r.rc, 0) << r.out;
  EXPECT_EQ(r.out.rfind("tmf ", 0), 0u) << r.out;
  EXPECT_NE(r.out.find("\nLibTorch "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\nQt"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\nCUDA"), std::string::npos) << r.out;
  EXPECT_EQ(run_tmf("version").out, r.out);
}

// Completes `words` (the last one being completed) with the generated script; the candidates.
std::string complete(const std::string& words, int cword) {
  const std::string script = std::string(TMF_TOOL_DIR) + "/tmf completion bash";
  return run_command("bash -c 'source <(" + script + "); COMP_WORDS=(" + words + "); COMP_CWORD=" + std::to_string(cword) +
                     "; _tmf; echo \"${COMPREPLY[*]}\"'")
      .out;
}

TEST(CliHelp, BashCompletionFromTheDeclarations) {
  const auto r = run_command(std::string(TMF_TOOL_DIR) + "/tmf completion bash | bash -n");
  ASSERT_EQ(r.rc, 0) << r.out;
  EXPECT_EQ(complete("tmf tr", 1), "train\n");
  EXPECT_EQ(complete("tmf data sp", 2), "split\n");
  EXPECT_EQ(complete("tmf eval --dec", 2), "--decode\n");
  EXPECT_EQ(complete("tmf eval --decode c", 3), "constrained\n");
  EXPECT_EQ(complete("tmf bench quality --tmf-pre", 3), "--tmf-preset\n");
  EXPECT_EQ(run_tmf("completion zsh").rc, 2);
}

}  // namespace
