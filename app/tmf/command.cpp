#include "command.h"

#include <algorithm>
#include <cmath>

#include "util/strings.h"

namespace tmf::cli {

std::map<std::string, Command>& registry() {
  static std::map<std::string, Command> r;
  return r;
}
std::map<std::string, Group>& groups() {
  static std::map<std::string, Group> g;
  return g;
}
std::map<std::string, std::string>& aliases() {
  static std::map<std::string, std::string> a;
  return a;
}

Register::Register(const Spec& spec, CommandFn fn) {
  if (registry().count(spec.path)) throw std::logic_error("command '" + spec.path + "' registered twice");
  registry().emplace(spec.path, Command{spec, std::move(fn)});
}
RegisterGroup::RegisterGroup(const std::string& name, const std::string& summary) { groups()[name] = Group{summary}; }
RegisterAlias::RegisterAlias(const std::string& alias, const std::string& path) { aliases()[alias] = path; }

// ---- Spec ----

Spec::Spec(std::string p, std::string s) : path(std::move(p)), summary(std::move(s)) {}

Spec& Spec::add(Option o) {
  if (o.name.empty() || o.name == "help" || find(o.name))
    throw std::logic_error("tmf " + path + ": option --" + o.name + " declared twice or reserved");
  options.push_back(std::move(o));
  return *this;
}

Spec& Spec::text(const std::string& name, const std::string& metavar, const std::string& def, const std::string& help) {
  Option o;
  o.name = name, o.metavar = metavar, o.def = def, o.help = help;
  return add(std::move(o));
}

Spec& Spec::required(const std::string& name, const std::string& metavar, const std::string& help) {
  Option o;
  o.name = name, o.metavar = metavar, o.help = help, o.required = true;
  return add(std::move(o));
}

Spec& Spec::integer(const std::string& name, const std::string& def, long long lo, long long hi, const std::string& help) {
  Option o;
  o.name = name, o.metavar = "N", o.def = def, o.help = help, o.kind = OptionKind::Integer;
  o.lo = double(lo), o.hi = double(hi);
  return add(std::move(o));
}

Spec& Spec::number(const std::string& name, const std::string& def, double lo, double hi, const std::string& help) {
  Option o;
  o.name = name, o.metavar = "X", o.def = def, o.help = help, o.kind = OptionKind::Number;
  o.lo = lo, o.hi = hi;
  return add(std::move(o));
}

Spec& Spec::choice(const std::string& name, const std::vector<std::string>& choices, const std::string& def,
                   const std::string& help) {
  Option o;
  o.name = name, o.def = def, o.help = help, o.kind = OptionKind::Choice, o.choices = choices;
  for (const auto& c : choices) o.metavar += (o.metavar.empty() ? "" : "|") + c;
  if (!def.empty() && std::find(choices.begin(), choices.end(), def) == choices.end())
    throw std::logic_error("tmf " + path + ": default '" + def + "' of --" + name + " is not one of its choices");
  return add(std::move(o));
}

Spec& Spec::flag(const std::string& name, const std::string& help) {
  Option o;
  o.name = name, o.help = help, o.kind = OptionKind::Flag;
  return add(std::move(o));
}

Spec& Spec::repeated(const std::string& name, const std::string& metavar, const std::string& help) {
  Option o;
  o.name = name, o.metavar = metavar, o.help = help, o.repeated = true;
  return add(std::move(o));
}

Spec& Spec::device(const std::string& def) {
  return text("device", "DEVICE", def, "cpu, cuda, cuda:N or auto (CUDA when present)");
}

Spec& Spec::computed_default(const std::string& text) {
  if (options.empty() || !options.back().def.empty())
    throw std::logic_error("tmf " + path + ": computed_default() follows an option without a literal default");
  options.back().shown_default = text;
  return *this;
}

Spec& Spec::is_required() {
  if (options.empty() || !options.back().def.empty() || options.back().kind == OptionKind::Flag)
    throw std::logic_error("tmf " + path + ": is_required() follows an option without a default");
  options.back().required = true;
  return *this;
}

Spec& Spec::positionals(const std::string& metavar, size_t min, size_t max, const std::string& help) {
  positional_metavar = metavar, positional_min = min, positional_max = max, positional_help = help;
  return *this;
}

Spec& Spec::include(const std::vector<Option>& shared) {
  for (const auto& o : shared) add(o);
  return *this;
}

Spec& Spec::example(const std::string& command_line) {
  examples.push_back(command_line);
  return *this;
}

Spec& Spec::describe(const std::string& paragraph) {
  description += (description.empty() ? "" : "\n\n") + paragraph;
  return *this;
}

const Option* Spec::find(const std::string& name) const {
  for (const auto& o : options)
    if (o.name == name) return &o;
  return nullptr;
}

std::string Spec::usage_line() const {
  std::string line = "usage: tmf " + path;
  bool optional = false;
  for (const auto& o : options) {
    if (o.required)
      line += " --" + o.name + " " + o.metavar;
    else
      optional = true;
  }
  if (optional) line += " [options]";
  if (positional_max > 0) line += positional_min > 0 ? " " + positional_metavar : " [" + positional_metavar + "]";
  return line;
}

// ---- Args ----

namespace {

bool is_option(const std::string& s) { return s.size() > 2 && s[0] == '-' && s[1] == '-'; }

size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

std::string did_you_mean(const Spec& spec, const std::string& name) {
  const Option* best = nullptr;
  size_t best_d = 3;  // suggest only close names
  for (const auto& o : spec.options) {
    const size_t d = edit_distance(name, o.name);
    if (d < best_d) best = &o, best_d = d;
  }
  return best ? " (did you mean --" + best->name + "?)" : "";
}

void check_value(const Option& o, const std::string& v) {
  if (o.kind == OptionKind::Integer) {
    long long x;
    if (!parse_int64(v, x)) throw UsageError("option --" + o.name + " expects an integer, got '" + v + "'");
    if (double(x) < o.lo || double(x) > o.hi)
      throw UsageError(detail::concat("option --", o.name, " must be in [", (long long)o.lo, ", ", (long long)o.hi,
                                      "], got ", v));
  } else if (o.kind == OptionKind::Number) {
    double x;
    if (!parse_double(v, x)) throw UsageError("option --" + o.name + " expects a number, got '" + v + "'");
    if (!std::isfinite(x) || x < o.lo || x > o.hi)
      throw UsageError(detail::concat("option --", o.name, " must be a finite number in [", o.lo, ", ", o.hi, "], got ", v));
  } else if (o.kind == OptionKind::Choice) {
    if (std::find(o.choices.begin(), o.choices.end(), v) == o.choices.end())
      throw UsageError("option --" + o.name + " must be one of " + o.metavar + ", got '" + v + "'");
  }
}

}  // namespace

Args::Args(const Spec& spec, std::vector<std::string> argv) : spec_(&spec) {
  bool options_end = false;
  for (size_t i = 0; i < argv.size(); ++i) {
    const std::string& a = argv[i];
    if (options_end || !is_option(a)) {
      if (!options_end && a == "--") {
        options_end = true;
        continue;
      }
      positionals_.push_back(a);
      continue;
    }
    const size_t eq = a.find('=');
    const std::string name = a.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
    const Option* o = spec.find(name);
    if (!o) throw UsageError("unknown option --" + name + did_you_mean(spec, name));
    std::string value;
    if (o->kind == OptionKind::Flag) {
      if (eq != std::string::npos) throw UsageError("option --" + name + " takes no value");
    } else if (eq != std::string::npos) {
      value = a.substr(eq + 1);
    } else {
      if (i + 1 >= argv.size()) throw UsageError("option --" + name + " needs a value (" + o->metavar + ")");
      value = argv[++i];
    }
    auto& slot = values_[name];
    if (!slot.empty() && !o->repeated) throw UsageError("option --" + name + " is given more than once");
    check_value(*o, value);
    slot.push_back(value);
  }
  for (const auto& o : spec.options)
    if (o.required && !values_.count(o.name)) throw UsageError("missing required option --" + o.name + " " + o.metavar);
  if (positionals_.size() > spec.positional_max)
    throw UsageError(spec.positional_max == 0 ? "unexpected argument '" + positionals_[0] + "'"
                                              : detail::concat("at most ", spec.positional_max, " ", spec.positional_metavar,
                                                               " accepted, got ", positionals_.size()));
  if (positionals_.size() < spec.positional_min) throw UsageError("missing " + spec.positional_metavar);
}

const Option& Args::declared(const std::string& name, OptionKind kind) const {
  const Option* o = spec_->find(name);
  if (!o) throw std::logic_error("tmf " + spec_->path + " reads option --" + name + " that its Spec does not declare");
  const bool text_like = kind == OptionKind::Text && (o->kind == OptionKind::Text || o->kind == OptionKind::Choice);
  if (o->kind != kind && !text_like)
    throw std::logic_error("tmf " + spec_->path + " reads option --" + name + " as another kind than it declares");
  return *o;
}

std::optional<std::string> Args::opt(const std::string& name) const {
  declared(name, OptionKind::Text);
  auto it = values_.find(name);
  if (it == values_.end()) return std::nullopt;
  return it->second.front();
}

std::string Args::req(const std::string& name) const {
  const Option& o = declared(name, OptionKind::Text);
  auto v = opt(name);
  if (!v) throw UsageError("missing required option --" + name + " " + o.metavar);
  return *v;
}

static const std::string& literal_default(const Option& o, const std::string& path) {
  if (o.def.empty()) throw std::logic_error("tmf " + path + ": option --" + o.name + " has no declared default");
  return o.def;
}

static void no_literal_default(const Option& o, const std::string& path) {
  if (!o.def.empty())
    throw std::logic_error("tmf " + path + ": option --" + o.name + " declares default '" + o.def +
                           "'; read it without a fallback");
}

std::string Args::get(const std::string& name) const {
  const Option& o = declared(name, OptionKind::Text);
  return opt(name).value_or(literal_default(o, spec_->path));
}

std::string Args::get(const std::string& name, const std::string& fallback) const {
  no_literal_default(declared(name, OptionKind::Text), spec_->path);
  return opt(name).value_or(fallback);
}

static long long to_int(const std::string& v) {
  long long x = 0;
  parse_int64(v, x);  // checked when parsed
  return x;
}

static double to_double(const std::string& v) {
  double x = 0;
  parse_double(v, x);
  return x;
}

long long Args::get_int(const std::string& name) const {
  const Option& o = declared(name, OptionKind::Integer);
  auto it = values_.find(name);
  return to_int(it == values_.end() ? literal_default(o, spec_->path) : it->second.front());
}

long long Args::get_int(const std::string& name, long long fallback) const {
  no_literal_default(declared(name, OptionKind::Integer), spec_->path);
  auto it = values_.find(name);
  return it == values_.end() ? fallback : to_int(it->second.front());
}

double Args::get_double(const std::string& name) const {
  const Option& o = declared(name, OptionKind::Number);
  auto it = values_.find(name);
  return to_double(it == values_.end() ? literal_default(o, spec_->path) : it->second.front());
}

double Args::get_double(const std::string& name, double fallback) const {
  no_literal_default(declared(name, OptionKind::Number), spec_->path);
  auto it = values_.find(name);
  return it == values_.end() ? fallback : to_double(it->second.front());
}

std::vector<std::string> Args::all(const std::string& name) const {
  declared(name, OptionKind::Text);
  auto it = values_.find(name);
  return it == values_.end() ? std::vector<std::string>{} : it->second;
}

bool Args::has(const std::string& name) const {
  if (!spec_->find(name)) declared(name, OptionKind::Text);  // throws the undeclared-option logic_error
  return values_.count(name) > 0;
}

bool Args::flag(const std::string& name) const {
  declared(name, OptionKind::Flag);
  return values_.count(name) > 0;
}

}  // namespace tmf::cli
