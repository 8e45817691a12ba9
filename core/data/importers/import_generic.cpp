// Generic events (CSV with a header row, or JSON lines) plus an optional item catalog, mapped by
// column names given on the command line, e.g.
//   --map user=customer,item=sku,behavior=action,time=ts --behaviors view,cart,purchase
//   --target purchase --catalog items.csv --catalog-map id=sku,title=name,image=picture
// Image paths in the catalog are read relative to the catalog file's folder.
#include <chrono>
#include <ctime>

#include <nlohmann/json.hpp>

#include "util/json_file.h"
#include "data/dataset_writer.h"
#include "data/image.h"
#include "data/importers/import.h"
#include "data/importers/record_reader.h"
#include "util/error.h"
#include "util/strings.h"

namespace tmf {
namespace {

std::string format_of(const std::string& path, const std::string& given) {
  if (!given.empty()) {
    TMF_CHECK(given == "csv" || given == "jsonl", "unknown format '", given, "' for '", path, "' (expected csv or jsonl)");
    return given;
  }
  if (ends_with(lower(path), ".jsonl") || ends_with(lower(path), ".json") || ends_with(lower(path), ".ndjson")) return "jsonl";
  return "csv";
}

// Reads records as column -> value maps from CSV (header row) or JSON lines.
class RecordSource {
 public:
  RecordSource(const std::string& path, const std::string& format, char sep)
      : path_(path), jsonl_(format == "jsonl"), lines_(path), sep_(sep) {
    if (!jsonl_) {
      std::string line;
      TMF_CHECK(lines_.next(line), "'", path, "' is empty; expected a CSV file with a header row");
      TMF_CHECK(parse_csv_line(line, sep, header_), "'", path, "' line 1: unbalanced quote in the header");
      for (auto& h : header_) h = std::string(trim(h));
    }
  }
  bool has_column(const std::string& c) const {
    return jsonl_ || std::find(header_.begin(), header_.end(), c) != header_.end();
  }
  const std::vector<std::string>& header() const { return header_; }
  // false at end; on a malformed record sets `error` and returns true.
  bool next(std::map<std::string, std::string>& rec, std::string& error) {
    rec.clear();
    error.clear();
    std::string line;
    do {
      if (!lines_.next(line)) return false;
    } while (trim(line).empty());
    start_line_ = lines_.line_no();
    if (jsonl_) {
      nlohmann::json j;
      try {
        check_json_depth(line, "'" + path_ + "' line " + std::to_string(lines_.line_no()));
        j = nlohmann::json::parse(line);
      } catch (const std::exception& e) {
        if (lines_.line_no() == 1 || (good_ == 0 && lines_.line_no() <= 3))
          fail("'", path_, "' line ", lines_.line_no(), " is not JSON; expected JSON lines (one object per line)");
        error = std::string("invalid JSON: ") + e.what();
        return true;
      }
      if (!j.is_object()) {
        error = "not a JSON object";
        return true;
      }
      for (auto& [k, v] : j.items()) {
        if (v.is_string()) rec[k] = v.get<std::string>();
        else if (v.is_array()) {
          std::vector<std::string> parts;
          for (auto& x : v) parts.push_back(x.is_string() ? x.get<std::string>() : x.dump());
          rec[k] = join(parts, "|");
        } else if (!v.is_null()) rec[k] = v.dump();
      }
    } else {
      std::vector<std::string> f;
      std::string record = line;
      const LineReader::Mark after_first = lines_.mark();
      while (!parse_csv_line(record, sep_, f)) {
        // A quoted field may hold newlines; one that never closes (or runs past a bound no real
        // field reaches) is an unbalanced quote: the record is reported at the line that opened
        // it, and reading goes on from the next line, so the rows after it are not swallowed.
        std::string more;
        if (!lines_.next(more) || record.size() > kMaxQuotedRecord ||
            lines_.line_no() - start_line_ >= kMaxQuotedLines) {
          lines_.reset(after_first);
          error = "a quoted field opened on this line is never closed (unbalanced quote)";  // at end of file
          return true;
        }
        record += "\n" + more;
      }
      if (f.size() != header_.size()) {
        if (lines_.line_no() > start_line_) {  // the quote that spanned lines closed on another row's quote
          lines_.reset(after_first);
          error = "a quoted field opened on this line does not close before the row ends (unbalanced quote)";
          return true;
        }
        error = "expected " + std::to_string(header_.size()) + " fields, found " + std::to_string(f.size());
        return true;
      }
      for (size_t i = 0; i < f.size(); ++i) rec[header_[i]] = f[i];
    }
    for (const auto& [column, value] : rec)
      if (auto bad = text_problem(value); !bad.empty()) {
        error = "'" + column + "' holds " + bad;
        return true;
      }
    ++good_;
    return true;
  }
  int64_t line_no() const { return start_line_; }  // the line where the last record started
  double fraction() { return lines_.fraction(); }

 private:
  static constexpr size_t kMaxQuotedRecord = size_t(1) << 20;  // 1 MiB
  static constexpr int64_t kMaxQuotedLines = 1000;
  int64_t start_line_ = 0;
  std::string path_;
  bool jsonl_;
  LineReader lines_;
  char sep_;
  std::vector<std::string> header_;
  int64_t good_ = 0;
};

bool parse_time(const std::string& v, const std::string& format, int64_t index, long long& out) {
  if (format == "index") {
    out = index;
    return true;
  }
  if (format == "unix" || format == "unix_ms") {
    if (!parse_int64(v, out)) return false;
    if (format == "unix_ms") out /= 1000;
    return true;
  }
  if (format != "iso8601") return false;
  const std::string s(trim(v));
  std::tm tm{};
  const char* end = strptime(s.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
  if (!end) end = strptime(s.c_str(), "%Y-%m-%d %H:%M:%S", &tm);
  if (!end) {
    tm = std::tm{};
    end = strptime(s.c_str(), "%Y-%m-%d", &tm);
  }
  if (!end) return false;
  const std::tm asked = tm;
  // What may follow: fractional seconds, then Z or a UTC offset +HH:MM / +HHMM / +HH (|offset| <= 14 h).
  if (*end == '.')
    for (++end; *end >= '0' && *end <= '9';) ++end;
  long long offset = 0;
  if (*end == 'Z' || *end == 'z') {
    ++end;
  } else if (*end == '+' || *end == '-') {
    const int sign = *end == '-' ? -1 : 1;
    ++end;
    auto digits2 = [&](int& x) {
      if (!(end[0] >= '0' && end[0] <= '9' && end[1] >= '0' && end[1] <= '9')) return false;
      x = (end[0] - '0') * 10 + (end[1] - '0');
      end += 2;
      return true;
    };
    int hh = 0, mm = 0;
    if (!digits2(hh)) return false;
    if (*end == ':') ++end;
    if (*end) {
      if (!digits2(mm)) return false;
    }
    if (hh > 14 || mm > 59 || (hh == 14 && mm > 0)) return false;
    offset = sign * (hh * 3600LL + mm * 60LL);
  }
  if (*end) return false;  // anything else after the time
  out = timegm(&tm);
  // strptime takes 2023-02-30 and timegm rolls it to March 2: a date must stay what it said.
  std::tm back{};
  const time_t t = time_t(out);
  gmtime_r(&t, &back);
  if (back.tm_year != asked.tm_year || back.tm_mon != asked.tm_mon || back.tm_mday != asked.tm_mday) return false;
  out -= offset;
  return true;
}

std::string dir_of(const std::string& path) {
  auto slash = path.rfind('/');
  return slash == std::string::npos ? "." : path.substr(0, slash);
}

}  // namespace

ImportReport import_generic(Dataset& ds, const GenericOptions& opts, const Progress& progress) {
  auto t0 = std::chrono::steady_clock::now();
  ImportReport rep;
  rep.format = "generic";
  for (const char* k : {"user", "item", "behavior"})
    TMF_CHECK(opts.event_map.count(k), "the event mapping needs '", k, "=COLUMN' (have: ",
              [&] { std::vector<std::string> ks; for (auto& [a, b] : opts.event_map) ks.push_back(a + "=" + b); return join(ks, ","); }(), ")");
  TMF_CHECK(opts.time_format == "unix" || opts.time_format == "unix_ms" || opts.time_format == "iso8601" ||
                opts.time_format == "index",
            "unknown --time-format '", opts.time_format, "' (expected unix, unix_ms, iso8601 or index)");
  TMF_CHECK(opts.event_map.count("time") || opts.time_format == "index",
            "the event mapping needs 'time=COLUMN' (or --time-format index to use row order)");
  TMF_CHECK(!opts.behaviors.empty() && !opts.target.empty(), "generic import needs --behaviors and --target");
  const std::string ev_format = format_of(opts.events_path, opts.events_format);
  RecordSource events(opts.events_path, ev_format, opts.csv_sep);
  for (auto& [k, col] : opts.event_map)
    TMF_CHECK(events.has_column(col), "'", opts.events_path, "' has no column '", col, "' (mapped to ", k,
              "); its columns: ", join(events.header(), ", "));

  DatasetWriter w(ds);
  ds.set_behaviors(opts.behaviors, opts.target);
  std::map<std::string, int64_t> beh_ids;
  for (auto& b : opts.behaviors) beh_ids[b] = ds.behavior_id(b);
  for (auto& [alias, name] : opts.behavior_aliases) {
    TMF_CHECK(beh_ids.count(name), "behavior alias '", alias, "=", name, "' names a behavior outside the vocabulary");
    beh_ids[alias] = beh_ids[name];
  }

  std::map<std::string, std::string> rec;
  std::string error;
  if (!opts.catalog_path.empty()) {
    TMF_CHECK(opts.catalog_map.count("id"), "the catalog mapping needs 'id=COLUMN'");
    RecordSource cat(opts.catalog_path, format_of(opts.catalog_path, opts.catalog_format), opts.csv_sep);
    for (auto& [k, col] : opts.catalog_map)
      TMF_CHECK(cat.has_column(col), "'", opts.catalog_path, "' has no column '", col, "' (mapped to ", k,
                "); its columns: ", join(cat.header(), ", "));
    auto get = [&](const char* key) -> std::string {
      auto m = opts.catalog_map.find(key);
      if (m == opts.catalog_map.end()) return "";
      auto v = rec.find(m->second);
      return v == rec.end() ? "" : std::string(trim(v->second));
    };
    const std::string base = dir_of(opts.catalog_path);
    while (cat.next(rec, error)) {
      ++rep.rows_read;
      if (!error.empty()) {
        rep.bad(opts.catalog_path, cat.line_no(), error);
        continue;
      }
      ItemInput in;
      in.external_id = get("id");
      if (in.external_id.empty()) {
        rep.bad(opts.catalog_path, cat.line_no(), "empty item id");
        continue;
      }
      in.name = get("title");
      in.brand = get("brand");
      std::string cats = get("categories");
      if (opts.categories_sep != "|") {
        std::vector<std::string> parts;
        size_t pos = 0, next;
        while ((next = cats.find(opts.categories_sep, pos)) != std::string::npos) {
          parts.emplace_back(trim(cats.substr(pos, next - pos)));
          pos = next + opts.categories_sep.size();
        }
        parts.emplace_back(trim(cats.substr(pos)));
        cats = join(parts, "|");
      }
      in.categories = cats;
      in.description = get("description");
      std::string img = get("image");
      if (!img.empty()) {
        std::string p = img[0] == '/' ? img : base + "/" + img;
        try {
          std::string bytes = read_file(p);
          in.image.assign(bytes.begin(), bytes.end());
          check_image(in.image.data(), in.image.size(), "'" + p + "'");
        } catch (const Error& e) {
          rep.bad(opts.catalog_path, cat.line_no(), e.what());
          continue;
        }
      }
      w.item(in);
      ++rep.rows_ok;
      if (rep.rows_read % 1024 == 0) progress.report("import items", cat.fraction(), 1);
    }
  }

  const std::string cu = opts.event_map.at("user"), ci = opts.event_map.at("item"), cb = opts.event_map.at("behavior");
  const std::string ct = opts.event_map.count("time") ? opts.event_map.at("time") : "";
  int64_t index = 0;
  while (events.next(rec, error)) {
    ++rep.rows_read;
    ++index;
    const int64_t ln = events.line_no();
    if (!error.empty()) {
      rep.bad(opts.events_path, ln, error);
      continue;
    }
    std::string user(trim(rec[cu])), item(trim(rec[ci])), beh(trim(rec[cb]));
    if (user.empty() || item.empty()) {
      rep.bad(opts.events_path, ln, "empty user or item");
      continue;
    }
    auto b = beh_ids.find(beh);
    if (b == beh_ids.end()) {
      rep.bad(opts.events_path, ln, "behavior '" + beh + "' is not in the vocabulary (" + join(opts.behaviors, ", ") + ")");
      continue;
    }
    long long ts;
    if (!parse_time(ct.empty() ? "" : rec[ct], opts.time_format, index, ts)) {
      rep.bad(opts.events_path, ln, "time '" + rec[ct] + "' does not parse as " + opts.time_format);
      continue;
    }
    w.event(w.user(user), w.item_ref(item), b->second, ts);
    ++rep.rows_ok;
    if (rep.rows_read % 4096 == 0) progress.report("import events", events.fraction(), 1);
  }
  commit_import(rep, w, progress, t0);
  return rep;
}

}  // namespace tmf
