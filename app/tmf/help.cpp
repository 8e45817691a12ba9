// --help texts and the bash completion, generated from the commands' Specs (command.h).
#include <cctype>
#include <set>
#include <sstream>

#include "command.h"

namespace tmf::cli {
namespace {

constexpr size_t kWidth = 100;   // wrap help at this column
constexpr size_t kColumn = 30;   // option descriptions start here

// Appends `text` to `out` wrapped at kWidth, continuation lines indented by `indent`; the first
// line continues from column `col`.
void wrap(std::ostringstream& out, const std::string& text, size_t col, size_t indent) {
  std::istringstream words(text);
  std::string w;
  bool first = true;
  while (words >> w) {
    if (!first && col + 1 + w.size() > kWidth) {
      out << '\n' << std::string(indent, ' ');
      col = indent;
    } else if (!first) {
      out << ' ';
      ++col;
    }
    out << w;
    col += w.size();
    first = false;
  }
  out << '\n';
}

void paragraphs(std::ostringstream& out, const std::string& text) {
  size_t start = 0;
  while (start <= text.size()) {
    const size_t end = text.find("\n\n", start);
    wrap(out, text.substr(start, end == std::string::npos ? std::string::npos : end - start), 0, 0);
    if (end == std::string::npos) break;
    out << '\n';
    start = end + 2;
  }
}

std::string option_text(const Option& o) {
  std::string s = o.help;
  if (o.required) s = "(required) " + s;
  if (!o.def.empty()) s += " (default: " + o.def + ")";
  if (!o.shown_default.empty()) s += " (default: " + o.shown_default + ")";
  if (o.kind == OptionKind::Integer || o.kind == OptionKind::Number) {
    std::ostringstream range;
    if (o.kind == OptionKind::Integer)
      range << (long long)o.lo << " to " << (long long)o.hi;
    else
      range << o.lo << " to " << o.hi;
    if (o.hi <= 1e6) s += " [" + range.str() + "]";  // wider ranges only guard against nonsense
  }
  if (o.repeated) s += " (repeatable)";
  return s;
}

void option_line(std::ostringstream& out, const std::string& left, const std::string& text) {
  std::string l = "  " + left;
  if (l.size() + 2 > kColumn) {
    out << l << '\n' << std::string(kColumn, ' ');
  } else {
    out << l << std::string(kColumn - l.size(), ' ');
  }
  wrap(out, text, kColumn, kColumn);
}

std::string first_word(const std::string& path) { return path.substr(0, path.find(' ')); }

}  // namespace

std::string help_text(const Spec& spec) {
  std::ostringstream out;
  out << spec.usage_line() << "\n\n";
  std::string summary = spec.summary + ".";
  summary[0] = char(std::toupper(static_cast<unsigned char>(summary[0])));
  paragraphs(out, summary);
  if (!spec.description.empty()) {
    out << '\n';
    paragraphs(out, spec.description);
  }
  if (spec.positional_max > 0) {
    out << "\narguments:\n";
    option_line(out, spec.positional_metavar, spec.positional_help);
  }
  out << "\noptions:\n";
  for (const auto& o : spec.options)
    option_line(out, "--" + o.name + (o.metavar.empty() ? "" : " " + o.metavar), option_text(o));
  option_line(out, "-h, --help", "print this help and exit");
  if (!spec.examples.empty()) {
    out << (spec.examples.size() == 1 ? "\nexample:\n" : "\nexamples:\n");
    for (const auto& e : spec.examples) out << "  " << e << '\n';
  }
  return out.str();
}

std::string group_help(const std::string& group) {
  std::ostringstream out;
  out << "usage: tmf " << group << " COMMAND [options]\n\n";
  std::string summary = groups().at(group).summary + ".";
  summary[0] = char(std::toupper(static_cast<unsigned char>(summary[0])));
  paragraphs(out, summary);
  out << "\ncommands:\n";
  for (const auto& [path, cmd] : registry())
    if (first_word(path) == group && path != group) option_line(out, path.substr(group.size() + 1), cmd.spec.summary);
  out << "\n'tmf " << group << " COMMAND --help' describes a command's options.\n";
  return out.str();
}

std::string program_help() {
  std::ostringstream out;
  out << "usage: tmf COMMAND [options]\n\n"
         "The command-line face of TMF Studio: datasets, training, evaluation, inference, benchmarks and\n"
         "rating studies of Triple Modality Fusion (TMF) multi-behavior recommenders.\n\ncommands:\n";
  std::set<std::string> shown;
  for (const auto& [path, cmd] : registry()) {
    const std::string word = first_word(path);
    if (!shown.insert(word).second) continue;
    option_line(out, word, groups().count(word) ? groups().at(word).summary : cmd.spec.summary);
  }
  out << "\noptions:\n";
  option_line(out, "-h, --help", "print this help and exit");
  option_line(out, "--version", "print the program, LibTorch, Qt and CUDA versions and exit");
  out << "\n'tmf COMMAND --help' (or 'tmf help COMMAND') describes a command and its options.\n";
  return out.str();
}

// One function, _tmf: the first word completes to a command, a group's second word to its
// commands, then the command's options; a Choice option's value completes to its choices, a
// FILE/DIR/PATH value to file names.
std::string bash_completion() {
  std::ostringstream out;
  out << "# bash completion for tmf, generated by `tmf completion bash` from the commands' declarations.\n"
         "_tmf() {\n"
         "  local cur prev path\n"
         "  cur=\"${COMP_WORDS[COMP_CWORD]}\"\n"
         "  prev=\"${COMP_WORDS[COMP_CWORD-1]}\"\n";
  std::set<std::string> top;
  for (const auto& [path, cmd] : registry()) top.insert(first_word(path));
  std::string top_words;
  for (const auto& w : top) top_words += (top_words.empty() ? "" : " ") + w;
  out << "  if [[ $COMP_CWORD -eq 1 ]]; then COMPREPLY=($(compgen -W \"" << top_words
      << " help completion --help --version\" -- \"$cur\")); return; fi\n"
         "  path=\"${COMP_WORDS[1]}\"\n"
         "  case \"$path\" in\n";
  for (const auto& [group, g] : groups()) {
    std::string subs;
    for (const auto& [path, cmd] : registry())
      if (first_word(path) == group && path != group) subs += (subs.empty() ? "" : " ") + path.substr(group.size() + 1);
    out << "    " << group << ")\n"
        << "      if [[ $COMP_CWORD -eq 2 ]]; then COMPREPLY=($(compgen -W \"" << subs << " --help\" -- \"$cur\")); return; fi\n"
        << "      path=\"" << group << " ${COMP_WORDS[2]}\";;\n";
  }
  out << "  esac\n"
         "  case \"$path\" in\n";
  for (const auto& [path, cmd] : registry()) {
    out << "    \"" << path << "\")\n      case \"$prev\" in\n";
    std::string opts, file_opts;
    for (const auto& o : cmd.spec.options) {
      opts += (opts.empty() ? "" : " ") + ("--" + o.name);
      if (o.kind == OptionKind::Choice) {
        std::string words;
        for (const auto& c : o.choices) words += (words.empty() ? "" : " ") + c;
        out << "        --" << o.name << ") COMPREPLY=($(compgen -W \"" << words << "\" -- \"$cur\")); return;;\n";
      } else if (o.metavar.find("FILE") != std::string::npos || o.metavar.find("DIR") != std::string::npos ||
                 o.metavar.find("PATH") != std::string::npos) {
        file_opts += (file_opts.empty() ? "" : "|") + ("--" + o.name);
      }
    }
    if (!file_opts.empty()) out << "        " << file_opts << ") COMPREPLY=($(compgen -f -- \"$cur\")); return;;\n";
    out << "      esac\n"
        << "      COMPREPLY=($(compgen -W \"" << opts << " --help\" -- \"$cur\"))\n";
    if (cmd.spec.positional_max > 0)
      out << "      [[ \"$cur\" != -* ]] && COMPREPLY+=($(compgen -f -- \"$cur\"))\n";
    out << "      ;;\n";
  }
  out << "  esac\n"
         "}\n"
         "complete -o filenames -F _tmf tmf\n";
  return out.str();
}

}  // namespace tmf::cli
