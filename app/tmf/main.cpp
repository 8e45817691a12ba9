// tmf: the command-line face of TMF Studio. `tmf --help` lists the commands; `tmf COMMAND --help`
// describes one. Exit status: 0 success (and --help), 1 runtime failure, 2 usage error, 130 cancelled.
#include <cstdio>
#include <exception>
#include <set>
#include <string>
#include <vector>

#include "command.h"
#include "util/blas_env.h"
#include "util/error.h"

namespace {

using namespace tmf::cli;

int usage_error(const std::string& message, const std::string& usage, const std::string& help_hint) {
  std::fprintf(stderr, "tmf: error: %s\n%s\nRun '%s' for more.\n", message.c_str(), usage.c_str(), help_hint.c_str());
  return 2;
}

bool wants_help(const std::vector<std::string>& args) {
  for (const auto& a : args) {
    if (a == "--") return false;
    if (a == "--help" || a == "-h") return true;
  }
  return false;
}

// The command path named by words[0..]: a one-word command, a group and one of its commands, or
// a former one-word name. Returns "" when the words name no command; `used` is how many words
// the path took. A group without its command returns the group's name.
std::string resolve(const std::vector<std::string>& words, size_t& used) {
  used = 0;
  if (words.empty()) return "";
  const std::string& first = words[0];
  if (aliases().count(first)) return used = 1, aliases().at(first);
  if (groups().count(first)) {
    if (words.size() < 2 || words[1].rfind("-", 0) == 0) return used = 1, first;
    const std::string path = first + " " + words[1];
    if (!registry().count(path)) return "";
    return used = 2, path;
  }
  if (registry().count(first)) return used = 1, first;
  return "";
}

std::string known_commands(const std::string& group) {
  std::set<std::string> names;
  for (const auto& [path, cmd] : registry()) {
    if (group.empty())
      names.insert(path.substr(0, path.find(' ')));
    else if (path.rfind(group + " ", 0) == 0)
      names.insert(path.substr(group.size() + 1));
  }
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  tmf::configure_blas(argc, argv);  // before anything else: it may re-execute the program
  std::vector<std::string> words(argv + 1, argv + argc);
  if (words.empty() || words[0] == "--help" || words[0] == "-h") {
    std::fputs(program_help().c_str(), stdout);
    return 0;
  }
  if (words[0] == "--version") words[0] = "version";
  if (words[0] == "help") {  // tmf help [COMMAND...] == tmf COMMAND --help
    words.erase(words.begin());
    if (words.empty()) {
      std::fputs(program_help().c_str(), stdout);
      return 0;
    }
    words.push_back("--help");
  }
  if (words[0] == "completion") {
    if (words.size() == 2 && words[1] == "bash") {
      std::fputs(bash_completion().c_str(), stdout);
      return 0;
    }
    if (wants_help(words)) {
      std::printf("usage: tmf completion bash\n\nPrint the bash completion script for tmf (installed as "
                  "share/bash-completion/completions/tmf).\n\nexample:\n  source <(tmf completion bash)\n");
      return 0;
    }
    return usage_error("expected 'tmf completion bash'", "usage: tmf completion bash", "tmf completion --help");
  }

  size_t used = 0;
  const std::string path = resolve(words, used);
  if (path.empty()) {
    const bool in_group = groups().count(words[0]) > 0;
    const std::string what = in_group ? words[0] + " " + words[1] : words[0];
    return usage_error("unknown command '" + what + "' (commands: " + known_commands(in_group ? words[0] : "") + ")",
                       in_group ? "usage: tmf " + words[0] + " COMMAND [options]" : "usage: tmf COMMAND [options]",
                       in_group ? "tmf " + words[0] + " --help" : "tmf --help");
  }
  std::vector<std::string> rest(words.begin() + long(used), words.end());
  if (!registry().count(path)) {  // a group without its command
    if (wants_help(rest)) {
      std::fputs(group_help(path).c_str(), stdout);
      return 0;
    }
    std::fputs(group_help(path).c_str(), stderr);
    return 2;
  }
  Command& cmd = registry().at(path);
  if (wants_help(rest)) {
    std::fputs(help_text(cmd.spec).c_str(), stdout);
    return 0;
  }
  try {
    Args args(cmd.spec, rest);
    return cmd.fn(args);
  } catch (const UsageError& e) {
    return usage_error(std::string("tmf ") + path + ": " + e.what(), cmd.spec.usage_line(), "tmf " + path + " --help");
  } catch (const tmf::Cancelled&) {
    std::fprintf(stderr, "tmf %s: cancelled; nothing was changed\n", path.c_str());
    return 130;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "tmf %s: error: %s\n", path.c_str(), e.what());
    return 1;
  }
}
