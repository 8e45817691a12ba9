// The tmf program's command line as a user meets it: every command and subcommand answers --help
// with its usage, described options and an example, and exits 0; wrong options exit 2 with the usage line, runtime failures exit 1; former hyphenated
// names still work but are not listed; --version names the libraries; the bash completion
// generated from the same declarations completes commands, options and choices.
#include <gtest/gtest.h>

#include <algorithm>
#include <future>
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
  const auto words = listed_commands(run_tmf("--help").out);
  std::vector<std::future<tmf::test::CliRun>> runs;
  for (const auto& word : words) runs.push_back(std::async(std::launch::async, [word] { return run_tmf(word + " --help"); }));
  for (size_t i = 0; i < words.size(); ++i) {
    const std::string& word = words[i];
    const auto subs = listed_commands(runs[i].get().out);
    if (subs.empty()) paths.push_back(word);
    for (const auto& s : subs) paths.push_back(word + " " + s);
  }
  return paths;
}

// The options a help text lists ("  --name [METAVAR]" lines) and whether each has a description
// (at column 30 of its line, or on the next line when the name is longer).
std::vector<std::pair<std::string, bool>> listed_options(const std::string& help) {
  std::vector<std::string> lines;
  std::istringstream in(help);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  std::vector<std::pair<std::string, bool>> out;
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string& line = lines[i];
    if (line.rfind("  --", 0) != 0) continue;
    const size_t end = line.find(' ', 4);
    const bool same_line = line.size() > 30 && line[29] == ' ' && line[30] != ' ';
    const bool next_line = i + 1 < lines.size() && lines[i + 1].size() > 30 &&
                           lines[i + 1].find_first_not_of(' ') == 30;
    out.emplace_back(line.substr(4, end == std::string::npos ? std::string::npos : end - 4), same_line || next_line);
  }
  return out;
}

TEST(CliHelp, EveryCommandAnswersHelp) {
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

  // Each command answers --help (one process per command: a LibTorch start costs ~0.6 s, so the
  // parser's own checks of every option live in cli_args_tests).
  std::vector<std::future<tmf::test::CliRun>> helps;  // in parallel: the machine's cores, not one
  for (const auto& path : paths) helps.push_back(std::async(std::launch::async, [path] { return run_tmf(path + " --help"); }));
  for (size_t i = 0; i < paths.size(); ++i) {
    const std::string& path = paths[i];
    SCOPED_TRACE(path);
    const auto h = helps[i].get();
    ASSERT_EQ(h.rc, 0) << h.out;
    EXPECT_EQ(h.out.rfind("usage: tmf " + path, 0), 0u) << h.out;
    EXPECT_NE(h.out.find("\noptions:\n"), std::string::npos) << h.out;
    EXPECT_NE(h.out.find("\nexample"), std::string::npos) << h.out;
    EXPECT_NE(h.out.find("-h, --help"), std::string::npos) << h.out;
    for (const auto& [name, described] : listed_options(h.out)) EXPECT_TRUE(described) << "--" << name;
  }
  // -h, `tmf help PATH` and --help anywhere on the line give the same text and run nothing.
  for (const std::string path : {"train", "data import", "bench quality"}) {
    const auto h = run_tmf(path + " --help");
    EXPECT_EQ(run_tmf(path + " -h").out, h.out);
    EXPECT_EQ(run_tmf("help " + path).out, h.out);
    EXPECT_EQ(run_tmf(path + " --no-such-option --help").out, h.out);
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
