// tmf rate: blind human rating studies (paper §5.4, Table 4).
//   tmf rate create --dataset FILE --name STUDY [--split default] [--candidates default]
//                   [--sequences 100] [--seed 42] --rater NAME... [--raters a,b,c]
//                   [--tmf [NAME=]DIR]... [--csv [NAME=]FILE]... [--baseline NAME=FILE]... [--device cpu]
//   tmf rate add-source --dataset FILE --study STUDY (--tmf [NAME=]DIR | --csv [NAME=]FILE |
//                   --baseline NAME=FILE) [--replace] [--device cpu]
//   tmf rate stats  --dataset FILE... --study STUDY [--json]          (Table 4 per source x dataset)
//   tmf rate export --dataset FILE... --study STUDY [--ratings FILE.csv] [--stats FILE.csv|.json]
//   tmf rate import --dataset FILE --study STUDY --csv FILE [--overwrite]
// A study across datasets is a study of the same name in each dataset file. CSV sources have a
// header with `user,item` (external ids); --baseline stores such a file with kind "baseline".
#include <cstdio>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "cli_progress.h"
#include "command.h"
#include "rating/rating_csv.h"
#include "rating/rating_stats.h"
#include "rating/rating_study.h"
#include "rating/tmf_recommendations.h"
#include "util/error.h"
#include "util/strings.h"

namespace {
using namespace tmf;

// "NAME=PATH" or "PATH" (name = the path's last component, without a .csv extension).
std::pair<std::string, std::string> named(const std::string& arg) {
  auto eq = arg.find('=');
  if (eq != std::string::npos && eq > 0) return {arg.substr(0, eq), arg.substr(eq + 1)};
  std::filesystem::path p(arg);
  std::string name = p.filename().string();
  if (name.empty()) name = p.parent_path().filename().string();
  if (ends_with(name, ".csv")) name = name.substr(0, name.size() - 4);
  return {name, arg};
}

struct SourceArgs {
  std::vector<std::string> tmf, csv, baseline;
  std::string device;
};

SourceArgs source_args(cli::Args& a) {
  SourceArgs s;
  s.tmf = a.all("tmf");
  s.csv = a.all("csv");
  s.baseline = a.all("baseline");
  s.device = a.get("device", "cpu");
  return s;
}

void add_sources(Dataset& ds, int64_t study, const SourceArgs& s, bool replace, bool quiet) {
  for (auto& arg : s.tmf) {
    auto [name, dir] = named(arg);
    add_tmf_source(ds, study, name, dir, s.device, cli::terminal_progress(quiet), replace);
    std::printf("source '%s' (tmf): %s\n", name.c_str(), dir.c_str());
  }
  auto csv_source = [&](const std::string& arg, const std::string& kind) {
    auto [name, file] = named(arg);
    auto r = read_recommendations_csv(ds, study, file);
    add_source(ds, study, name, kind, file, r.recs, replace);
    std::printf("source '%s' (%s): %zu recommendations from %s", name.c_str(), kind.c_str(), r.recs.size(), file.c_str());
    if (r.missing) std::printf(", %lld sampled sequences not covered", (long long)r.missing);
    if (r.ignored_rows) std::printf(", %lld rows for users outside the sample ignored", (long long)r.ignored_rows);
    std::printf("\n");
  };
  for (auto& arg : s.csv) csv_source(arg, "csv");
  for (auto& arg : s.baseline) csv_source(arg, "baseline");
}

int rate_create(cli::Args& a) {
  Dataset ds = Dataset::open(a.req("dataset"));
  RatingStudySpec spec;
  spec.name = a.req("name");
  spec.split = a.get("split", "default");
  spec.candidates = a.get("candidates", "default");
  spec.n_sequences = int(a.get_int("sequences", 100, 1, 100000000));
  spec.seed = uint64_t(a.get_int("seed", 42));
  spec.raters = a.all("rater");
  for (auto& list : a.all("raters"))
    for (auto r : split(list, ','))
      if (!trim(r).empty()) spec.raters.emplace_back(trim(r));
  SourceArgs src = source_args(a);
  a.finish();
  TMF_CHECK(!spec.raters.empty(), "a study needs raters: --rater NAME (repeatable) or --raters a,b,c");
  const int64_t id = create_study(ds, spec);
  try {
    add_sources(ds, id, src, false, false);
  } catch (...) {
    delete_study(ds, spec.name);  // all or nothing: no half-made study is left behind
    throw;
  }
  auto st = find_study(ds, spec.name);
  std::printf("study '%s': %lld sequences (asked %d, seed %llu), %zu raters, %zu sources\n", st.name.c_str(),
              (long long)st.sampled, st.n_sequences, (unsigned long long)st.seed, study_raters(ds, id).size(),
              study_sources(ds, id).size());
  if (study_sources(ds, id).size() < 2)
    std::printf("note: a blind comparison needs two or more sources; add them with tmf rate add-source\n");
  return 0;
}

int rate_add_source(cli::Args& a) {
  Dataset ds = Dataset::open(a.req("dataset"));
  const int64_t id = find_study(ds, a.req("study")).id;
  SourceArgs src = source_args(a);
  const bool replace = a.flag("replace");
  a.finish();
  TMF_CHECK(!src.tmf.empty() || !src.csv.empty() || !src.baseline.empty(),
            "name a source: --tmf [NAME=]DIR, --csv [NAME=]FILE or --baseline NAME=FILE");
  add_sources(ds, id, src, replace, false);
  return 0;
}

std::vector<SourceRatingStats> stats_of(const std::vector<std::string>& datasets, const std::string& study) {
  TMF_CHECK(!datasets.empty(), "name at least one --dataset FILE");
  std::vector<SourceRatingStats> rows;
  for (auto& path : datasets) {
    Dataset ds = Dataset::open(path, /*read_only=*/false);
    for (auto& r : rating_stats(ds, study)) rows.push_back(r);
  }
  return rows;
}

int rate_stats(cli::Args& a) {
  auto datasets = a.all("dataset");
  const std::string study = a.req("study");
  const bool json = a.flag("json");
  a.finish();
  auto rows = stats_of(datasets, study);
  if (json)
    std::printf("%s\n", stats_json(rows).dump(2).c_str());
  else
    std::printf("%s", format_table4(rows).c_str());
  return 0;
}

int rate_export(cli::Args& a) {
  auto datasets = a.all("dataset");
  const std::string study = a.req("study");
  const std::string ratings = a.get("ratings", ""), stats = a.get("stats", "");
  a.finish();
  TMF_CHECK(!ratings.empty() || !stats.empty(), "name what to export: --ratings FILE.csv and/or --stats FILE.csv|.json");
  if (!ratings.empty()) {
    std::string all;
    for (auto& path : datasets) {
      Dataset ds = Dataset::open(path);
      std::string csv = ratings_csv(ds, study);
      if (!all.empty()) csv = csv.substr(csv.find('\n') + 1);  // one header
      all += csv;
    }
    write_file_atomic(ratings, all);
    std::printf("ratings: %s\n", ratings.c_str());
  }
  if (!stats.empty()) {
    auto rows = stats_of(datasets, study);
    write_file_atomic(stats, ends_with(lower(stats), ".json") ? stats_json(rows).dump(2) + "\n" : stats_csv(rows));
    std::printf("stats: %s\n", stats.c_str());
  }
  return 0;
}

int rate_import(cli::Args& a) {
  Dataset ds = Dataset::open(a.req("dataset"));
  const std::string study = a.req("study"), csv = a.req("csv");
  const bool overwrite = a.flag("overwrite");
  a.finish();
  auto rep = import_ratings_csv(ds, study, csv, overwrite);
  std::printf("%s", rep.summary().c_str());
  return rep.conflicts.empty() || overwrite ? 0 : 3;
}

int run_rate(cli::Args& a) {
  auto sub = a.subcommand();
  TMF_CHECK(sub.has_value(), "usage: tmf rate create|add-source|stats|export|import [options]");
  if (*sub == "create") return rate_create(a);
  if (*sub == "add-source") return rate_add_source(a);
  if (*sub == "stats") return rate_stats(a);
  if (*sub == "export") return rate_export(a);
  if (*sub == "import") return rate_import(a);
  fail("unknown subcommand 'rate ", *sub, "' (expected create, add-source, stats, export, import)");
}

tmf::cli::Register reg("rate", "blind human rating studies: create, add-source, stats, export, import", run_rate);

}  // namespace
