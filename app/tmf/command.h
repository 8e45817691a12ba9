// Commands of the tmf command-line program. Each command file declares its options once, in a
// Spec, and registers it:
//
//   const Spec spec = Spec("data split", "make the train/valid/test split of a dataset")
//                         .required("dataset", "FILE", "dataset file (.tmfdb)")
//                         .integer("history", "20", 1, 100000, "history steps kept per example")
//                         .flag("replace", "replace a split of the same name")
//                         .example("tmf data split --dataset pets.tmfdb --history 20");
//   Register reg(spec, run_split);
//
// The same Spec parses the command line (Args below: unknown options, missing values, numbers
// out of range and values outside a choice are usage errors before the command runs), prints
// `--help` (help.cpp) and writes the bash completion, so help and parser cannot drift: reading an
// option the Spec does not declare is a programming error (std::logic_error) that the CLI tests hit.
// A command path is one or two words; the first word of a two-word path is a group
// ("tmf data split"), declared with RegisterGroup.
#pragma once
#include <functional>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "util/error.h"

namespace tmf::cli {

// A wrong option or value: main() prints it with the usage line and exits 2.
struct UsageError : Error {
  using Error::Error;
};

enum class OptionKind { Text, Integer, Number, Choice, Flag };

struct Option {
  std::string name;     // without the leading "--"
  std::string metavar;  // "FILE", "N"; empty for flags
  std::string help;
  OptionKind kind = OptionKind::Text;
  bool required = false;
  bool repeated = false;            // may be given several times (Args::all)
  std::string def;                  // the literal default the parser uses; empty: none
  std::string shown_default;        // what --help says when the default is computed at run time
  std::vector<std::string> choices;  // OptionKind::Choice
  double lo = 0, hi = 0;            // Integer / Number range
};

class Spec {
 public:
  Spec(std::string path, std::string summary);

  // A text value; `def` is the default ("" for none).
  Spec& text(const std::string& name, const std::string& metavar, const std::string& def, const std::string& help);
  Spec& required(const std::string& name, const std::string& metavar, const std::string& help);
  Spec& integer(const std::string& name, const std::string& def, long long lo, long long hi, const std::string& help);
  Spec& number(const std::string& name, const std::string& def, double lo, double hi, const std::string& help);
  Spec& choice(const std::string& name, const std::vector<std::string>& choices, const std::string& def,
               const std::string& help);
  Spec& flag(const std::string& name, const std::string& help);
  Spec& repeated(const std::string& name, const std::string& metavar, const std::string& help);
  Spec& device(const std::string& def);  // --device DEVICE: cpu, cuda, cuda:N or auto
  // The default of the option declared last is computed at run time; --help shows `text`
  // ("the --size recipe's", "<out>'s file name"). The command reads it with a fallback.
  Spec& computed_default(const std::string& text);
  Spec& is_required();  // the option declared last must be given
  // Words after the options: `min` to `max` of them (max 0: none accepted).
  Spec& positionals(const std::string& metavar, size_t min, size_t max, const std::string& help);
  Spec& include(const std::vector<Option>& shared);  // a group of options several commands share
  Spec& example(const std::string& command_line);
  Spec& describe(const std::string& paragraph);     // a longer explanation under the summary

  const Option* find(const std::string& name) const;
  std::string usage_line() const;  // "usage: tmf data split --dataset FILE [options]"

  std::string path, summary, description;
  std::vector<Option> options;
  std::string positional_metavar, positional_help;
  size_t positional_min = 0, positional_max = 0;
  std::vector<std::string> examples;

 private:
  Spec& add(Option o);
};

// The command line of one command, parsed against its Spec when constructed: throws UsageError
// on an undeclared option, a missing value, a value a Choice/Integer/Number does not accept, a
// missing required option or the wrong number of positionals. Accessors read the parsed values;
// asking for an option the Spec does not declare throws std::logic_error.
class Args {
 public:
  Args(const Spec& spec, std::vector<std::string> argv);

  std::optional<std::string> opt(const std::string& name) const;  // absent: nullopt (no default)
  std::string req(const std::string& name) const;                 // absent: UsageError
  // The value or the declared default (logic_error when the Spec declares none).
  std::string get(const std::string& name) const;
  long long get_int(const std::string& name) const;
  double get_double(const std::string& name) const;
  // The value or `fallback`, for options whose default is computed (computed_default).
  std::string get(const std::string& name, const std::string& fallback) const;
  long long get_int(const std::string& name, long long fallback) const;
  double get_double(const std::string& name, double fallback) const;
  std::vector<std::string> all(const std::string& name) const;  // a repeated option, in order
  bool flag(const std::string& name) const;
  bool has(const std::string& name) const;  // given on the command line (any kind)
  const std::vector<std::string>& positionals() const { return positionals_; }
  const Spec& spec() const { return *spec_; }

 private:
  const Option& declared(const std::string& name, OptionKind kind) const;
  const Spec* spec_;
  std::map<std::string, std::vector<std::string>> values_;  // option name -> values in order
  std::vector<std::string> positionals_;
};

using CommandFn = std::function<int(Args&)>;
struct Command {
  Spec spec;
  CommandFn fn;
};
struct Group {
  std::string summary;
};
std::map<std::string, Command>& registry();  // command path -> command
std::map<std::string, Group>& groups();      // first word -> group
std::map<std::string, std::string>& aliases();  // former one-word names ("bench-quality") -> path

struct Register {
  Register(const Spec& spec, CommandFn fn);
};
struct RegisterGroup {
  RegisterGroup(const std::string& name, const std::string& summary);
};
struct RegisterAlias {
  RegisterAlias(const std::string& alias, const std::string& path);
};

// help.cpp
std::string help_text(const Spec& spec);                // `tmf PATH --help`
std::string group_help(const std::string& group);       // `tmf GROUP --help`
std::string program_help();                             // `tmf --help`
std::string bash_completion();                          // `tmf completion bash`

}  // namespace tmf::cli
