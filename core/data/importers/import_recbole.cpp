// RecBole atomic files (https://recbole.io/docs/user_guide/data/atomic_files.html): tab-separated,
// a typed header `name:type` (token, token_seq, float, float_seq), one file per kind (.inter, .item,
// .user). Ratings become behaviors through a RatingMapping (default 1-2 dislike, 3 neutral, 4-5
// like; target like), or a named behavior field is used as is.
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <dirent.h>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "data/dataset_writer.h"
#include "data/importers/import.h"
#include "data/importers/record_reader.h"
#include "util/error.h"
#include "util/strings.h"

namespace tmf {
namespace {

constexpr const char* kExpected =
    "expected RecBole atomic format: a tab-separated file whose first line is a typed header such as "
    "'user_id:token<TAB>item_id:token<TAB>rating:float<TAB>timestamp:float'";

struct Header {
  std::vector<std::string> names, types;
  int find(const std::string& n) const {
    for (size_t i = 0; i < names.size(); ++i)
      if (names[i] == n) return int(i);
    return -1;
  }
  int find_any(std::initializer_list<const char*> ns) const {
    for (auto n : ns)
      if (int i = find(n); i >= 0) return i;
    return -1;
  }
};

Header read_header(LineReader& r, const std::string& required_a, const std::string& required_b) {
  std::string line;
  TMF_CHECK(r.next(line), "'", r.path(), "' is empty; ", kExpected);
  Header h;
  for (auto f : split(line, '\t')) {
    auto colon = f.rfind(':');
    TMF_CHECK(colon != std::string_view::npos && colon > 0, "'", r.path(), "' line 1: field '", f,
              "' has no type; ", kExpected);
    std::string type(f.substr(colon + 1));
    static const std::set<std::string> kTypes = {"token", "token_seq", "float", "float_seq"};
    TMF_CHECK(kTypes.count(type), "'", r.path(), "' line 1: field '", f, "' has unknown type '", type, "'; ", kExpected);
    h.names.emplace_back(f.substr(0, colon));
    h.types.push_back(type);
  }
  TMF_CHECK(h.find(required_a) >= 0 && (required_b.empty() || h.find(required_b) >= 0), "'", r.path(),
            "' line 1 has no ", required_a, required_b.empty() ? "" : " and " + required_b, " field; ", kExpected);
  return h;
}

std::string find_file(const std::string& input, const std::string& ext) {
  struct stat st;
  TMF_CHECK(::stat(input.c_str(), &st) == 0, "'", input, "' does not exist");
  if (S_ISREG(st.st_mode)) {
    if (ext == ".inter") return input;
    std::string base = ends_with(input, ".inter") ? input.substr(0, input.size() - 6) : input;
    std::string p = base + ext;
    return ::stat(p.c_str(), &st) == 0 ? p : "";
  }
  DIR* d = ::opendir(input.c_str());
  TMF_CHECK(d, "cannot read directory '", input, "'");
  std::vector<std::string> found;
  while (auto* e = ::readdir(d))
    if (ends_with(e->d_name, ext)) found.push_back(input + "/" + e->d_name);
  ::closedir(d);
  std::sort(found.begin(), found.end());
  if (found.empty()) {
    TMF_CHECK(ext != ".inter", "directory '", input, "' holds no .inter file; ", kExpected);
    return "";
  }
  TMF_CHECK(found.size() == 1, "directory '", input, "' holds ", found.size(), " ", ext, " files; name one");
  return found[0];
}

}  // namespace

ImportReport import_recbole(Dataset& ds, const std::string& input, const RecboleOptions& opts, const Progress& progress) {
  auto t0 = std::chrono::steady_clock::now();
  ImportReport rep;
  rep.format = "recbole";
  const std::string inter = find_file(input, ".inter"), item_file = find_file(input, ".item"),
                    user_file = find_file(input, ".user");
  LineReader inter_reader(inter);
  Header ih = read_header(inter_reader, "user_id", "item_id");  // wrong format fails here, before any write

  DatasetWriter w(ds);
  std::vector<std::string> fields;
  std::string line;
  // Items first, so that events reference named items.
  if (!item_file.empty()) {
    LineReader r(item_file);
    Header h = read_header(r, "item_id", "");
    int title = h.find_any({"movie_title", "title", "name", "item_name"});
    int year = h.find_any({"release_year", "year"});
    int genres = h.find_any({"class", "genre", "genres", "categories", "category"});
    int brand = h.find_any({"brand"});
    int desc = h.find_any({"description", "desc"});
    int id = h.find("item_id");
    std::set<std::string> names;
    while (r.next(line)) {
      if (trim(line).empty()) continue;
      ++rep.rows_read;
      if (auto bad = text_problem(line); !bad.empty()) {
        rep.bad(item_file, r.line_no(), "the row holds " + bad);
        continue;
      }
      auto f = split(line, '\t');
      if (f.size() != h.names.size()) {
        rep.bad(item_file, r.line_no(), "expected " + std::to_string(h.names.size()) + " fields, found " + std::to_string(f.size()));
        continue;
      }
      ItemInput in;
      in.external_id = std::string(trim(f[size_t(id)]));
      if (in.external_id.empty()) {
        rep.bad(item_file, r.line_no(), "empty item_id");
        continue;
      }
      std::string name = title >= 0 ? std::string(trim(f[size_t(title)])) : "";
      nlohmann::json attrs = nlohmann::json::object();
      if (year >= 0 && !trim(f[size_t(year)]).empty()) {
        attrs["year"] = std::string(trim(f[size_t(year)]));
        if (!name.empty()) name += " (" + attrs["year"].get<std::string>() + ")";
      }
      if (name.empty()) name = "item " + in.external_id;
      if (names.count(name)) name += " [" + in.external_id + "]";  // names must be unique for answer matching
      names.insert(name);
      in.name = name;
      if (genres >= 0) {
        auto g = split_ws(std::string(f[size_t(genres)]));
        attrs["genres"] = g;
        in.categories = join(g, "|");
      }
      if (brand >= 0) in.brand = std::string(trim(f[size_t(brand)]));
      if (desc >= 0) in.description = std::string(trim(f[size_t(desc)]));
      for (size_t c = 0; c < h.names.size(); ++c)
        if (int(c) != id && int(c) != title && int(c) != year && int(c) != genres && int(c) != brand && int(c) != desc)
          attrs[h.names[c]] = std::string(trim(f[c]));
      in.attrs = attrs.dump();
      w.item(in);
      ++rep.rows_ok;
      if (rep.rows_read % 1024 == 0) progress.report("import items", r.fraction(), 1);
    }
  }
  if (!user_file.empty()) {
    LineReader r(user_file);
    Header h = read_header(r, "user_id", "");
    int id = h.find("user_id");
    while (r.next(line)) {
      if (trim(line).empty()) continue;
      ++rep.rows_read;
      if (auto bad = text_problem(line); !bad.empty()) {
        rep.bad(user_file, r.line_no(), "the row holds " + bad);
        continue;
      }
      auto f = split(line, '\t');
      if (f.size() != h.names.size()) {
        rep.bad(user_file, r.line_no(), "expected " + std::to_string(h.names.size()) + " fields, found " + std::to_string(f.size()));
        continue;
      }
      nlohmann::json attrs = nlohmann::json::object();
      for (size_t c = 0; c < h.names.size(); ++c)
        if (int(c) != id) attrs[h.names[c]] = std::string(trim(f[c]));
      std::string uid(trim(f[size_t(id)]));
      if (uid.empty()) {
        rep.bad(user_file, r.line_no(), "empty user_id");
        continue;
      }
      w.user(uid, attrs.dump());
      ++rep.rows_ok;
    }
  }

  // Behavior vocabulary (inside the transaction: rolled back with everything else).
  const int u = ih.find("user_id"), it = ih.find("item_id"), rating = ih.find("rating"),
            ts = ih.find_any({"timestamp", "time"});
  const int beh = opts.behavior_field.empty() ? -1 : ih.find(opts.behavior_field);
  TMF_CHECK(opts.behavior_field.empty() || beh >= 0, "'", inter, "' has no field '", opts.behavior_field, "'");
  std::map<std::string, int64_t> beh_ids;
  if (beh >= 0) {
    TMF_CHECK(!opts.target.empty(), "a target behavior is needed with a behavior field");
  } else if (rating >= 0) {
    ds.set_behaviors(opts.mapping.behaviors, opts.mapping.target);
    for (auto& b : opts.mapping.behaviors) beh_ids[b] = ds.behavior_id(b);
  } else {
    ds.set_behaviors({"interaction"}, "interaction");
    beh_ids["interaction"] = ds.behavior_id("interaction");
  }
  std::vector<std::string> seen_behaviors;
  int64_t row_index = 0;
  while (inter_reader.next(line)) {
    if (trim(line).empty()) continue;
    ++rep.rows_read;
    ++row_index;
    auto f = split(line, '\t');
    const int64_t ln = inter_reader.line_no();
    if (auto bad = text_problem(line); !bad.empty()) {
      rep.bad(inter, ln, "the row holds " + bad);
      continue;
    }
    if (f.size() != ih.names.size()) {
      rep.bad(inter, ln, "expected " + std::to_string(ih.names.size()) + " fields, found " + std::to_string(f.size()));
      continue;
    }
    std::string uid(trim(f[size_t(u)])), iid(trim(f[size_t(it)]));
    if (uid.empty() || iid.empty()) {
      rep.bad(inter, ln, "empty user_id or item_id");
      continue;
    }
    long long t = row_index;
    if (ts >= 0 && !parse_int64(f[size_t(ts)], t)) {
      rep.bad(inter, ln, "timestamp '" + std::string(f[size_t(ts)]) + "' is not a number");
      continue;
    }
    int64_t bid;
    if (beh >= 0) {
      std::string name(trim(f[size_t(beh)]));
      if (name.empty()) {
        rep.bad(inter, ln, "empty behavior");
        continue;
      }
      auto found = beh_ids.find(name);
      if (found == beh_ids.end()) {
        seen_behaviors.push_back(name);
        std::vector<std::string> vocab;
        for (auto& b : ds.behaviors()) vocab.push_back(b.name);
        vocab.push_back(name);
        if (std::find(vocab.begin(), vocab.end(), opts.target) == vocab.end()) vocab.push_back(opts.target);
        ds.set_behaviors(vocab, opts.target);
        found = beh_ids.emplace(name, ds.behavior_id(name)).first;
      }
      bid = found->second;
    } else if (rating >= 0) {
      double r;
      if (!parse_double(f[size_t(rating)], r)) {
        rep.bad(inter, ln, "rating '" + std::string(f[size_t(rating)]) + "' is not a number");
        continue;
      }
      const std::string* b = opts.mapping.behavior_for(r);
      if (!b) {
        rep.bad(inter, ln, "rating " + std::string(trim(f[size_t(rating)])) + " is outside the rating mapping");
        continue;
      }
      bid = beh_ids[*b];
    } else {
      bid = beh_ids["interaction"];
    }
    w.event(w.user(uid), w.item_ref(iid), bid, t);
    ++rep.rows_ok;
    if (rep.rows_read % 4096 == 0) progress.report("import events", inter_reader.fraction(), 1);
  }
  commit_import(rep, w, progress, t0);
  return rep;
}

}  // namespace tmf
