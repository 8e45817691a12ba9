// Subcommand registry of the tmf command-line program. A command file defines
//   static tmf::cli::Register reg("tokenize", "print token ids of a text", run_tokenize);
// and main() dispatches on the first word. Arguments are parsed with Args below.
#pragma once
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace tmf::cli {

// "--name value", "--name=value" and "--flag" options plus positionals. Unknown options are an
// error when the command calls finish().
class Args {
 public:
  Args(std::vector<std::string> argv);
  std::optional<std::string> opt(const std::string& name);           // consumes
  std::string req(const std::string& name);                          // throws when absent
  std::string get(const std::string& name, const std::string& def);  // consumes
  // Numbers given on the command line are range-checked here, never wrapped: an integer option
  // takes 0 .. 2^62 unless a range is given, a number must be finite and >= 0 unless a range is given.
  long long get_int(const std::string& name, long long def);
  long long get_int(const std::string& name, long long def, long long lo, long long hi);
  double get_double(const std::string& name, double def);
  double get_double(const std::string& name, double def, double lo, double hi);
  std::vector<std::string> all(const std::string& name);  // repeated option
  bool flag(const std::string& name);                      // consumes a --flag
  std::optional<std::string> subcommand();                 // consumes the first word if it is not an option
  std::vector<std::string> positionals();                  // what is left that is not an option: call
                                                           // after consuming every option
  void finish();                                           // throws on unconsumed options
 private:
  std::vector<std::string> argv_;
  std::vector<bool> used_;
};

using CommandFn = std::function<int(Args&)>;
struct Command {
  std::string help;
  CommandFn fn;
};
std::map<std::string, Command>& registry();

struct Register {
  Register(const std::string& name, const std::string& help, CommandFn fn) {
    registry()[name] = Command{help, std::move(fn)};
  }
};

}  // namespace tmf::cli
