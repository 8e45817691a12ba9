// tmf rate: blind human rating studies (paper §5.4, Table 4).
// Options: the Specs below (`tmf rate COMMAND --help`).
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

// The options that name a study's sources.
cli::Spec& with_sources(cli::Spec& s) {
  return s
      .repeated("tmf", "[NAME=]DIR", "a TMF model package: its recommendation for every sampled sequence")
      .repeated("csv", "[NAME=]FILE", "recommendations from a CSV file with a header holding user,item (external ids)")
      .repeated("baseline", "NAME=FILE", "like --csv, stored with kind \"baseline\"")
      .text("device", "DEVICE", "cpu", "device of the --tmf models: cpu, cuda, cuda:N or auto");
}

cli::Spec create_spec() {
  cli::Spec s("rate create", "create a blind rating study: sampled sequences, raters and recommendation sources");
  s.describe(
       "A study across datasets is a study of the same name in each dataset file. Raters see each sequence "
       "with the sources' recommendations in a blind, shuffled order (the app's Ratings dock).")
      .required("dataset", "FILE", "dataset file (.tmfdb)")
      .required("name", "STUDY", "name of the study")
      .text("split", "NAME", "default", "the split whose test rows are sampled")
      .text("candidates", "NAME", "default", "the stored candidate set")
      .integer("sequences", "100", 1, 100000000, "sequences to sample")
      .integer("seed", "42", 0, 1LL << 62, "sampling seed")
      .repeated("rater", "NAME", "a rater")
      .repeated("raters", "LIST", "comma-separated raters");
  return with_sources(s).example(
      "tmf rate create --dataset pets.tmfdb --name s1 --raters ann,bob --tmf models/pets --baseline pop=pop.csv");
}

cli::Spec add_source_spec() {
  cli::Spec s("rate add-source", "add a recommendation source to a study");
  s.required("dataset", "FILE", "dataset file (.tmfdb)")
      .required("study", "STUDY", "the study")
      .flag("replace", "replace a source of the same name (its ratings are deleted)");
  return with_sources(s).example("tmf rate add-source --dataset pets.tmfdb --study s1 --csv sasrec=sasrec.csv");
}

const cli::Spec create_study_spec = create_spec();
const cli::Spec add_source_cli_spec = add_source_spec();

const cli::Spec stats_spec =
    cli::Spec("rate stats", "Table 4 of the paper: rating statistics per source and dataset")
        .repeated("dataset", "FILE", "(at least one) dataset file holding the study")
        .required("study", "STUDY", "the study")
        .flag("json", "print JSON instead of the Markdown table")
        .example("tmf rate stats --dataset pets.tmfdb --dataset sports.tmfdb --study s1");

const cli::Spec export_spec =
    cli::Spec("rate export", "export a study's ratings and statistics")
        .repeated("dataset", "FILE", "(at least one) dataset file holding the study")
        .required("study", "STUDY", "the study")
        .text("ratings", "FILE", "", "write every rating to this CSV file")
        .text("stats", "FILE", "", "write the statistics to this .csv or .json file")
        .example("tmf rate export --dataset pets.tmfdb --study s1 --ratings s1.csv --stats s1.json");

const cli::Spec import_spec =
    cli::Spec("rate import", "import ratings from a CSV file (tmf rate export's format)")
        .describe("Exit status 3 when ratings conflict with stored ones and --overwrite is not given (nothing is changed).")
        .required("dataset", "FILE", "dataset file (.tmfdb)")
        .required("study", "STUDY", "the study")
        .required("csv", "FILE", "the ratings CSV file")
        .flag("overwrite", "replace conflicting stored ratings")
        .example("tmf rate import --dataset pets.tmfdb --study s1 --csv ratings-bob.csv");

SourceArgs source_args(cli::Args& a) {
  SourceArgs s;
  s.tmf = a.all("tmf");
  s.csv = a.all("csv");
  s.baseline = a.all("baseline");
  s.device = a.get("device");
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
  spec.split = a.get("split");
  spec.candidates = a.get("candidates");
  spec.n_sequences = int(a.get_int("sequences"));
  spec.seed = uint64_t(a.get_int("seed"));
  spec.raters = a.all("rater");
  for (auto& list : a.all("raters"))
    for (auto r : split(list, ','))
      if (!trim(r).empty()) spec.raters.emplace_back(trim(r));
  SourceArgs src = source_args(a);
  if (spec.raters.empty()) throw cli::UsageError("a study needs raters: --rater NAME (repeatable) or --raters a,b,c");
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
  if (src.tmf.empty() && src.csv.empty() && src.baseline.empty())
    throw cli::UsageError("name a source: --tmf [NAME=]DIR, --csv [NAME=]FILE or --baseline NAME=FILE");
  add_sources(ds, id, src, replace, false);
  return 0;
}

std::vector<SourceRatingStats> stats_of(const std::vector<std::string>& datasets, const std::string& study) {
  if (datasets.empty()) throw cli::UsageError("name at least one --dataset FILE");
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
  const std::string ratings = a.opt("ratings").value_or(""), stats = a.opt("stats").value_or("");
  if (ratings.empty() && stats.empty())
    throw cli::UsageError("name what to export: --ratings FILE.csv and/or --stats FILE.csv|.json");
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
  auto rep = import_ratings_csv(ds, study, csv, overwrite);
  std::printf("%s", rep.summary().c_str());
  return rep.conflicts.empty() || overwrite ? 0 : 3;
}

cli::RegisterGroup group("rate", "blind human rating studies (paper section 5.4): create, add-source, stats, export, import");
cli::Register reg_create(create_study_spec, rate_create);
cli::Register reg_add_source(add_source_cli_spec, rate_add_source);
cli::Register reg_stats(stats_spec, rate_stats);
cli::Register reg_export(export_spec, rate_export);
cli::Register reg_import(import_spec, rate_import);

}  // namespace
