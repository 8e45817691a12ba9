#include "command.h"

#include <cmath>

#include "util/error.h"
#include "util/strings.h"

namespace tmf::cli {

std::map<std::string, Command>& registry() {
  static std::map<std::string, Command> r;
  return r;
}

Args::Args(std::vector<std::string> argv) : argv_(std::move(argv)), used_(argv_.size(), false) {}

static bool is_option(const std::string& s) { return s.size() > 2 && s[0] == '-' && s[1] == '-'; }

std::optional<std::string> Args::opt(const std::string& name) {
  const std::string key = "--" + name;
  for (size_t i = 0; i < argv_.size(); ++i) {
    if (used_[i]) continue;
    if (argv_[i] == key) {
      TMF_CHECK(i + 1 < argv_.size(), "option ", key, " needs a value");
      used_[i] = used_[i + 1] = true;
      return argv_[i + 1];
    }
    if (starts_with(argv_[i], key + "=")) {
      used_[i] = true;
      return argv_[i].substr(key.size() + 1);
    }
  }
  return std::nullopt;
}

std::string Args::req(const std::string& name) {
  auto v = opt(name);
  TMF_CHECK(v.has_value(), "missing required option --", name);
  return *v;
}

std::string Args::get(const std::string& name, const std::string& def) { return opt(name).value_or(def); }

long long Args::get_int(const std::string& name, long long def) { return get_int(name, def, 0, 1LL << 62); }

long long Args::get_int(const std::string& name, long long def, long long lo, long long hi) {
  auto v = opt(name);
  if (!v) return def;
  long long out;
  TMF_CHECK(parse_int64(*v, out), "option --", name, " expects an integer, got '", *v, "'");
  TMF_CHECK(out >= lo && out <= hi, "option --", name, " must be in [", lo, ", ", hi, "], got ", *v);
  return out;
}

double Args::get_double(const std::string& name, double def) { return get_double(name, def, 0.0, 1e300); }

double Args::get_double(const std::string& name, double def, double lo, double hi) {
  auto v = opt(name);
  if (!v) return def;
  double out;
  TMF_CHECK(parse_double(*v, out), "option --", name, " expects a number, got '", *v, "'");
  TMF_CHECK(std::isfinite(out) && out >= lo && out <= hi, "option --", name, " must be a finite number in [", lo, ", ", hi,
            "], got ", *v);
  return out;
}

std::vector<std::string> Args::all(const std::string& name) {
  std::vector<std::string> out;
  while (auto v = opt(name)) out.push_back(*v);
  return out;
}

bool Args::flag(const std::string& name) {
  const std::string key = "--" + name;
  bool found = false;
  for (size_t i = 0; i < argv_.size(); ++i)
    if (!used_[i] && argv_[i] == key) used_[i] = found = true;
  return found;
}

std::optional<std::string> Args::subcommand() {
  if (argv_.empty() || used_[0] || is_option(argv_[0])) return std::nullopt;
  used_[0] = true;
  return argv_[0];
}

std::vector<std::string> Args::positionals() {
  std::vector<std::string> out;
  for (size_t i = 0; i < argv_.size(); ++i)
    if (!used_[i] && !is_option(argv_[i])) {
      used_[i] = true;
      out.push_back(argv_[i]);
    }
  return out;
}

void Args::finish() {
  for (size_t i = 0; i < argv_.size(); ++i)
    TMF_CHECK(used_[i], "unexpected argument '", argv_[i], "'");
}

}  // namespace tmf::cli
