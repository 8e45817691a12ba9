#include "world/world_spec.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <regex>
#include <set>

#include <nlohmann/json.hpp>

#include "util/error.h"
#include "util/json_file.h"
#include "util/strings.h"
#include "world/product_image.h"

namespace tmf::world {
namespace {

using nlohmann::json;

const json& field(const json& j, const char* key, const std::string& where) {
  auto it = j.find(key);
  TMF_CHECK(it != j.end(), where, ": missing field '", key, "'");
  return *it;
}

std::string str_field(const json& j, const char* key, const std::string& where) {
  const json& v = field(j, key, where);
  TMF_CHECK(v.is_string() && !v.get<std::string>().empty(), where, ": field '", key,
            "' must be a non-empty string, got ", v.dump());
  return v.get<std::string>();
}

std::vector<std::string> str_list(const json& j, const char* key, const std::string& where) {
  const json& v = field(j, key, where);
  TMF_CHECK(v.is_array(), where, ": field '", key, "' must be a list, got ", v.dump());
  std::vector<std::string> out;
  for (const json& e : v) {
    TMF_CHECK(e.is_string() && !e.get<std::string>().empty(), where, ": '", key,
              "' must hold non-empty strings, got ", e.dump());
    out.push_back(e.get<std::string>());
  }
  return out;
}

double num_field(const json& j, const char* key, const std::string& where) {
  const json& v = field(j, key, where);
  TMF_CHECK(v.is_number(), where, ": field '", key, "' must be a number, got ", v.dump());
  return v.get<double>();
}

}  // namespace

std::vector<std::string> word_tokens(const std::string& text) {
  std::vector<std::string> out;
  std::string cur;
  for (char ch : text) {
    unsigned char c = static_cast<unsigned char>(ch);
    if (std::isalnum(c)) {
      cur += static_cast<char>(std::tolower(c));
    } else if (!cur.empty()) {
      out.push_back(cur);
      cur.clear();
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

std::vector<std::string> WorldSpec::visual_words() const {
  std::set<std::string> words;
  for (const auto& c : colours)
    for (auto& w : word_tokens(c.name)) words.insert(w);
  for (const auto& p : patterns) {
    for (auto& w : word_tokens(p.name)) words.insert(w);
    for (const auto& pw : p.words)
      for (auto& w : word_tokens(pw)) words.insert(w);
  }
  return {words.begin(), words.end()};
}

WorldSpec parse_world_spec(const std::string& json_text, const std::string& what) {
  json j;
  try {
    check_json_depth(json_text, "world spec " + what);
    j = json::parse(json_text);
  } catch (const std::exception& e) {
    fail("world spec ", what, " is not valid JSON: ", e.what());
  }
  TMF_CHECK(j.is_object(), "world spec ", what, " must be a JSON object");
  WorldSpec w;
  const std::string at = "world spec " + what;
  w.world = str_field(j, "world", at);
  w.category = str_field(j, "category", at);
  w.id_prefix = str_field(j, "id_prefix", at);

  const json& presets = field(j, "presets", at);
  TMF_CHECK(presets.is_object() && !presets.empty(), at, ": 'presets' must be an object of presets");
  for (auto it = presets.begin(); it != presets.end(); ++it) {
    const std::string where = at + " preset '" + it.key() + "'";
    PresetSize p;
    p.items = int64_t(num_field(*it, "items", where));
    p.users = int64_t(num_field(*it, "users", where));
    p.avg_len = num_field(*it, "avg_len", where);
    TMF_CHECK(p.items >= 20 && p.users >= 2 && p.avg_len >= 6, where, ": needs items >= 20, users >= 2 and avg_len >= 6, got ",
              p.items, ", ", p.users, ", ", p.avg_len);
    w.presets[it.key()] = p;
  }

  std::map<std::string, int> target_index, band_index, type_index;
  for (const json& t : field(j, "targets", at)) {
    TargetGroup g{str_field(t, "key", at + " target"), str_field(t, "label", at + " target")};
    TMF_CHECK(!target_index.count(g.key), at, ": target '", g.key, "' is defined twice");
    target_index[g.key] = int(w.targets.size());
    w.targets.push_back(g);
  }
  for (const json& b : field(j, "price_bands", at)) {
    PriceBand pb{str_field(b, "name", at + " price band"), num_field(b, "factor", at + " price band")};
    TMF_CHECK(pb.factor > 0, at, ": price band '", pb.name, "' needs a positive factor, got ", pb.factor);
    band_index[pb.name] = int(w.price_bands.size());
    w.price_bands.push_back(pb);
  }
  TMF_CHECK(!w.price_bands.empty(), at, ": no price bands");
  std::set<std::string> brand_names;
  for (const json& b : field(j, "brands", at)) {
    Brand br;
    br.name = str_field(b, "name", at + " brand");
    std::string band = str_field(b, "band", at + " brand '" + br.name + "'");
    TMF_CHECK(band_index.count(band), at, ": brand '", br.name, "' names unknown price band '", band, "'");
    TMF_CHECK(brand_names.insert(br.name).second, at, ": brand '", br.name, "' is defined twice");
    br.band = band_index[band];
    w.brands.push_back(br);
  }
  TMF_CHECK(w.brands.size() >= 2, at, ": needs at least 2 brands, got ", w.brands.size());

  for (const json& c : field(j, "colours", at)) {
    Colour col;
    col.name = str_field(c, "name", at + " colour");
    const json& rgb = field(c, "rgb", at + " colour '" + col.name + "'");
    TMF_CHECK(rgb.is_array() && rgb.size() == 3, at, ": colour '", col.name, "' needs rgb [r, g, b], got ", rgb.dump());
    for (int k = 0; k < 3; ++k) {
      TMF_CHECK(rgb[k].is_number_integer() && rgb[k].get<int>() >= 0 && rgb[k].get<int>() <= 255, at, ": colour '",
                col.name, "' has an rgb value outside 0..255: ", rgb.dump());
      col.rgb[k] = uint8_t(rgb[k].get<int>());
    }
    int dist = 0;
    for (int k = 0; k < 3; ++k) dist += std::abs(int(col.rgb[k]) - int(kBackground[k]));
    TMF_CHECK(dist >= 60, at, ": colour '", col.name, "' ", rgb.dump(), " is too close to the image background");
    for (const auto& o : w.colours) {
      int d = 0;
      for (int k = 0; k < 3; ++k) d += std::abs(int(col.rgb[k]) - int(o.rgb[k]));
      TMF_CHECK(d >= 60 && o.name != col.name, at, ": colours '", o.name, "' and '", col.name, "' are too alike");
    }
    w.colours.push_back(col);
  }
  TMF_CHECK(w.colours.size() >= 2, at, ": needs at least 2 colours, got ", w.colours.size());
  const auto patterns_known = known_patterns();
  for (const json& p : field(j, "patterns", at)) {
    Pattern pat;
    pat.name = str_field(p, "name", at + " pattern");
    TMF_CHECK(std::count(patterns_known.begin(), patterns_known.end(), pat.name), at, ": pattern '", pat.name,
              "' cannot be drawn; known: ", join(patterns_known, ", "));
    pat.words = str_list(p, "words", at + " pattern '" + pat.name + "'");
    w.patterns.push_back(pat);
  }
  TMF_CHECK(!w.patterns.empty(), at, ": no patterns");

  const json& types = field(j, "types", at);
  TMF_CHECK(types.is_array() && types.size() >= 2, at, ": needs at least 2 item types");
  for (const json& t : types) {
    std::string key = str_field(t, "key", at + " type");
    TMF_CHECK(!type_index.count(key), at, ": type '", key, "' is defined twice");
    type_index[key] = int(type_index.size());
  }
  const auto shapes_known = known_shapes();
  for (const json& t : types) {
    ItemType it;
    it.key = str_field(t, "key", at);
    const std::string where = at + " type '" + it.key + "'";
    it.title = str_field(t, "title", where);
    it.subcategory = str_field(t, "subcategory", where);
    it.shape = str_field(t, "shape", where);
    TMF_CHECK(std::count(shapes_known.begin(), shapes_known.end(), it.shape), where, ": shape '", it.shape,
              "' cannot be drawn; known: ", join(shapes_known, ", "));
    it.weight = num_field(t, "weight", where);
    TMF_CHECK(it.weight > 0, where, ": weight must be positive, got ", it.weight);
    it.lines = str_list(t, "lines", where);
    TMF_CHECK(!it.lines.empty(), where, ": needs at least one product line");
    it.sizes = str_list(t, "sizes", where);
    for (const auto& k : str_list(t, "targets", where)) {
      TMF_CHECK(target_index.count(k), where, ": unknown target '", k, "'");
      it.targets.push_back(target_index[k]);
    }
    const json& price = field(t, "price", where);
    TMF_CHECK(price.is_array() && price.size() == 2 && price[0].is_number() && price[1].is_number() &&
                  price[0].get<double>() > 0 && price[0].get<double>() <= price[1].get<double>(),
              where, ": price must be [low, high] with 0 < low <= high, got ", price.dump());
    it.price_lo = price[0].get<double>();
    it.price_hi = price[1].get<double>();
    for (const auto& k : str_list(t, "complements", where)) {
      TMF_CHECK(type_index.count(k), where, ": unknown complement type '", k, "'");
      TMF_CHECK(k != it.key, where, ": a type cannot complement itself");
      it.complements.push_back(type_index[k]);
    }
    it.features = str_list(t, "features", where);
    TMF_CHECK(!it.features.empty(), where, ": needs at least one feature phrase");
    w.types.push_back(it);
  }

  // Text must never reveal colour or pattern, and no word may look like a model code.
  const auto visual = w.visual_words();
  const std::set<std::string> banned(visual.begin(), visual.end());
  static const std::regex code_like("[A-Z]{2}[0-9]{3}");
  auto check_text = [&](const std::string& text, const std::string& where) {
    for (const auto& tok : word_tokens(text))
      TMF_CHECK(!banned.count(tok), at, ": ", where, " '", text, "' contains the colour/pattern word '", tok,
                "'; colour and pattern must appear only in images");
    for (const auto& raw : split_ws(text))
      TMF_CHECK(!std::regex_search(raw, code_like), at, ": ", where, " '", text, "' contains a model-code-like word");
  };
  check_text(w.category, "category");
  for (const auto& t : w.targets) check_text(t.label, "target label");
  for (const auto& b : w.brands) check_text(b.name, "brand");
  for (const auto& t : w.types) {
    check_text(t.title, "title of type " + t.key);
    check_text(t.subcategory, "subcategory of type " + t.key);
    for (const auto& s : t.lines) check_text(s, "line of type " + t.key);
    for (const auto& s : t.sizes) check_text(s, "size of type " + t.key);
    for (const auto& s : t.features) check_text(s, "feature of type " + t.key);
  }
  return w;
}

WorldSpec load_world_spec(const std::string& path) {
  return parse_world_spec(read_file(path), path);
}

std::vector<std::string> list_worlds(const std::string& dir) {
  namespace fs = std::filesystem;
  TMF_CHECK(fs::is_directory(dir), "world spec directory '", dir, "' does not exist");
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.is_regular_file() && e.path().extension() == ".json") out.push_back(e.path().stem().string());
  std::sort(out.begin(), out.end());
  return out;
}

std::string default_spec_dir() {
  if (const char* env = std::getenv("TMF_WORLDS_DIR"); env && *env) return env;
  // An installed program: <prefix>/bin/tmf finds <prefix>/share/tmf-studio/worlds.
  std::error_code ec;
  const std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const std::filesystem::path installed = exe.parent_path().parent_path() / "share" / "tmf-studio" / "worlds";
    if (std::filesystem::is_directory(installed, ec)) return installed.string();
  }
  return std::string(TMF_SOURCE_DIR) + "/data/worlds";
}

}  // namespace tmf::world
