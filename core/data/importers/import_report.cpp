#include <algorithm>
#include <cstdio>

#include "data/dataset_writer.h"
#include "data/importers/import.h"
#include "util/error.h"
#include "util/strings.h"

namespace tmf {

void ImportReport::bad(const std::string& file, int64_t line, const std::string& reason) {
  ++malformed_count;
  if (malformed.size() < kMaxListed) malformed.push_back(MalformedRow{file, line, reason});
}

std::string ImportReport::summary() const {
  char buf[512];
  std::snprintf(buf, sizeof(buf),
                "%s import: %lld rows read, %lld imported, %lld malformed; added %lld items, %lld users, %lld events "
                "in %.2f s (%.0f events/s)\n",
                format.c_str(), (long long)rows_read, (long long)rows_ok, (long long)malformed_count,
                (long long)items_added, (long long)users_added, (long long)events_added, seconds,
                seconds > 0 ? double(events_added) / seconds : 0.0);
  std::string out = buf;
  size_t shown = std::min<size_t>(malformed.size(), 20);
  for (size_t i = 0; i < shown; ++i)
    out += "  malformed: " + malformed[i].file + " line " + std::to_string(malformed[i].line) + ": " + malformed[i].reason + "\n";
  if (malformed_count > int64_t(shown)) out += "  ... and " + std::to_string(malformed_count - int64_t(shown)) + " more\n";
  return out;
}

RatingMapping RatingMapping::parse(const std::string& spec, const std::string& target) {
  RatingMapping m;
  m.target = target;
  for (auto part : split(spec, ',')) {
    auto p = trim(part);
    if (p.empty()) continue;
    auto colon = p.find(':');
    TMF_CHECK(colon != std::string_view::npos, "rating mapping entry '", p, "' should look like 4-5:like");
    std::string range(trim(p.substr(0, colon))), name(trim(p.substr(colon + 1)));
    TMF_CHECK(!name.empty(), "rating mapping entry '", p, "' names no behavior");
    Range r;
    r.behavior = name;
    auto dash = range.find('-', 1);
    bool ok = dash == std::string::npos ? parse_double(range, r.lo) && parse_double(range, r.hi)
                                        : parse_double(range.substr(0, dash), r.lo) && parse_double(range.substr(dash + 1), r.hi);
    TMF_CHECK(ok && r.lo <= r.hi, "rating mapping entry '", p, "' has a bad range '", range, "'");
    m.ranges.push_back(r);
    if (std::find(m.behaviors.begin(), m.behaviors.end(), name) == m.behaviors.end()) m.behaviors.push_back(name);
  }
  TMF_CHECK(!m.ranges.empty(), "empty rating mapping '", spec, "'");
  TMF_CHECK(std::find(m.behaviors.begin(), m.behaviors.end(), target) != m.behaviors.end(), "target behavior '", target,
            "' is not produced by the rating mapping '", spec, "'");
  return m;
}

const std::string* RatingMapping::behavior_for(double rating) const {
  for (auto& r : ranges)
    if (rating >= r.lo && rating <= r.hi) return &r.behavior;
  return nullptr;
}

void commit_import(ImportReport& rep, DatasetWriter& w, const Progress& progress,
                   std::chrono::steady_clock::time_point t0) {
  rep.items_added = w.items_added();
  rep.users_added = w.users_added();
  rep.events_added = w.events_added();
  progress.check_cancel();
  w.commit();
  progress.report("import " + rep.format, 1, 1);
  rep.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

std::map<std::string, std::string> parse_mapping(const std::string& spec, const std::string& what) {
  std::map<std::string, std::string> out;
  for (auto part : split(spec, ',')) {
    auto p = trim(part);
    if (p.empty()) continue;
    auto eq = p.find('=');
    TMF_CHECK(eq != std::string_view::npos && eq > 0 && eq + 1 < p.size(), what, " entry '", p,
              "' should look like key=column");
    out[std::string(trim(p.substr(0, eq)))] = std::string(trim(p.substr(eq + 1)));
  }
  return out;
}

}  // namespace tmf
