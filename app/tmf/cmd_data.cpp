// tmf data import|stats|split|candidates|bench: the dataset side of the command line.
//   tmf data import --format recbole|retailrocket|taobao|generic --input PATH --out FILE [--name N] ...
//   tmf data stats FILE...            Table 1 of the paper, Markdown
//   tmf data split --dataset FILE [--name default] [--history 20] [--replace]
//   tmf data candidates --dataset FILE [--split default] [--name default] [--mode random|hard]
//                       [--seed 42] [--negatives 10] [--replace]
//   tmf data bench [--ml100k DIR]     import events/s and candidate generation time
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>

#include "cli_progress.h"
#include "command.h"
#include "data/candidates.h"
#include "data/dataset.h"
#include "data/importers/import.h"
#include "data/split.h"
#include "data/stats.h"
#include "util/error.h"
#include "util/strings.h"

namespace tmf::cli {
namespace {

bool file_exists(const std::string& p) {
  struct stat st;
  return ::stat(p.c_str(), &st) == 0;
}

void remove_dataset_files(const std::string& p) {
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) ::unlink((p + suffix).c_str());
}

int data_import(Args& a) {
  const std::string format = a.req("format");
  const std::string out = a.req("out");
  const bool fresh = !file_exists(out);
  std::string name = a.get("name", std::filesystem::path(out).stem().string());
  RecboleOptions ro;
  GenericOptions go;
  std::string input;
  if (format == "recbole") {
    input = a.req("input");
    auto mapping = a.opt("rating-map");
    auto target = a.opt("target");
    if (mapping || target) ro.mapping = RatingMapping::parse(mapping.value_or("1-2:dislike,3:neutral,4-5:like"), target.value_or("like"));
    ro.behavior_field = a.get("behavior-field", "");
    if (!ro.behavior_field.empty()) ro.target = target.value_or("");
  } else if (format == "retailrocket" || format == "taobao") {
    input = a.req("input");
  } else if (format == "generic") {
    go.events_path = a.req("events");
    go.events_format = a.get("events-format", "");
    std::string sep = a.get("sep", ",");
    TMF_CHECK(sep.size() == 1 || sep == "\\t", "--sep must be one character, got '", sep, "'");
    go.csv_sep = sep == "\\t" ? '\t' : sep[0];
    go.event_map = parse_mapping(a.req("map"), "--map");
    go.time_format = a.get("time-format", "unix");
    const std::string behaviors = a.req("behaviors");  // split() views into it: it must outlive the loop
    for (auto b : split(behaviors, ',')) go.behaviors.emplace_back(trim(b));
    go.target = a.req("target");
    go.behavior_aliases = parse_mapping(a.get("behavior-map", ""), "--behavior-map");
    go.catalog_path = a.get("catalog", "");
    go.catalog_format = a.get("catalog-format", "");
    if (!go.catalog_path.empty()) go.catalog_map = parse_mapping(a.req("catalog-map"), "--catalog-map");
    go.categories_sep = a.get("categories-sep", "|");
  } else {
    fail("unknown import format '", format, "' (expected recbole, retailrocket, taobao or generic)");
  }
  const bool quiet = a.flag("quiet");
  a.finish();
  Progress progress = terminal_progress(quiet);
  ImportReport rep;
  try {
    Dataset ds = fresh ? Dataset::create(out, name) : Dataset::open(out);
    if (format == "recbole") rep = import_recbole(ds, input, ro, progress);
    else if (format == "retailrocket") rep = import_retailrocket(ds, input, progress);
    else if (format == "taobao") rep = import_taobao(ds, input, progress);
    else rep = import_generic(ds, go, progress);
    ds.set_meta("source", format + ":" + (input.empty() ? go.events_path : input));
  } catch (...) {
    if (fresh) remove_dataset_files(out);  // a new file that failed to import is not left behind
    throw;
  }
  std::printf("%s", rep.summary().c_str());
  std::printf("dataset: %s\n", out.c_str());
  return 0;
}

int data_stats(Args& a) {
  bool json = a.flag("json");
  std::vector<std::string> files;
  if (auto d = a.opt("dataset")) files.push_back(*d);
  for (auto& f : a.positionals()) files.push_back(f);
  a.finish();
  TMF_CHECK(!files.empty(), "tmf data stats needs one or more dataset files");
  std::vector<DatasetStats> rows;
  for (auto& f : files) rows.push_back(dataset_stats(Dataset::open(f, /*read_only=*/true)));
  if (json) {
    for (auto& r : rows)
      std::printf("{\"name\": \"%s\", \"items\": %lld, \"users\": %lld, \"events\": %lld, \"avg_seq_len\": %.4f, "
                  "\"behaviors\": \"%s\", \"target\": \"%s\", \"item_user_ratio\": %.4f}\n",
                  r.name.c_str(), (long long)r.items, (long long)r.users, (long long)r.events, r.avg_seq_len,
                  join(r.behaviors, ",").c_str(), r.target_behavior.c_str(), r.item_user_ratio);
  } else {
    std::printf("%s", format_table1(rows).c_str());
  }
  return 0;
}

int data_split(Args& a) {
  Dataset ds = Dataset::open(a.req("dataset"));
  SplitOptions o;
  o.name = a.get("name", "default");
  o.history_len = int(a.get_int("history", 20));
  o.replace = a.flag("replace");
  a.finish();
  auto s = make_split(ds, o, terminal_progress(true));
  std::printf("split '%s': %lld users, %lld validation rows, %lld test rows, %lld users skipped (no target with history)\n",
              o.name.c_str(), (long long)s.users, (long long)s.valid_rows, (long long)s.test_rows, (long long)s.users_skipped);
  return 0;
}

int data_candidates(Args& a) {
  Dataset ds = Dataset::open(a.req("dataset"));
  CandidateOptions o;
  o.split = a.get("split", "default");
  o.name = a.get("name", "default");
  o.mode = a.get("mode", "random");
  o.seed = uint64_t(a.get_int("seed", 42));
  o.num_negatives = int(a.get_int("negatives", 10));
  o.replace = a.flag("replace");
  a.finish();
  auto t0 = std::chrono::steady_clock::now();
  auto s = make_candidates(ds, o, terminal_progress(true));
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("candidate set '%s' (%s, seed %llu, %d negatives): %lld rows in %.2f s%s\n", o.name.c_str(), o.mode.c_str(),
              (unsigned long long)o.seed, o.num_negatives, (long long)s.rows, secs,
              s.topped_up ? (", " + std::to_string(s.topped_up) + " rows topped up from the whole catalog").c_str() : "");
  return 0;
}

int data_bench(Args& a) {
  std::string ml = a.get("ml100k", std::string(TMF_SOURCE_DIR) + "/../shared/datasets/ml-100k");
  int repeats = int(a.get_int("repeats", 3));
  a.finish();
  std::string dir = std::filesystem::temp_directory_path().string() + "/tmf-bench-" + std::to_string(::getpid());
  std::filesystem::create_directories(dir);
  std::vector<double> import_s, split_s, cand_s;
  int64_t events = 0;
  for (int r = 0; r < repeats; ++r) {
    std::string path = dir + "/ml-" + std::to_string(r) + ".tmfdb";
    Dataset ds = Dataset::create(path, "ml-100k");
    auto rep = import_recbole(ds, ml, RecboleOptions{}, {});
    events = rep.events_added;
    import_s.push_back(rep.seconds);
    auto t0 = std::chrono::steady_clock::now();
    make_split(ds, SplitOptions{});
    auto t1 = std::chrono::steady_clock::now();
    make_candidates(ds, CandidateOptions{});
    auto t2 = std::chrono::steady_clock::now();
    split_s.push_back(std::chrono::duration<double>(t1 - t0).count());
    cand_s.push_back(std::chrono::duration<double>(t2 - t1).count());
  }
  std::filesystem::remove_all(dir);
  auto median = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
  };
  std::printf("ML-100K (%lld events), median of %d runs:\n", (long long)events, repeats);
  std::printf("  import      %.3f s  (%.0f events/s)\n", median(import_s), double(events) / median(import_s));
  std::printf("  split       %.3f s\n", median(split_s));
  std::printf("  candidates  %.3f s\n", median(cand_s));
  return 0;
}

int run_data(Args& a) {
  auto sub_opt = a.subcommand();
  TMF_CHECK(sub_opt.has_value(), "usage: tmf data import|stats|split|candidates|generate|audit|bench [options]");
  const std::string sub = *sub_opt;
  if (sub == "stats") return data_stats(a);
  if (sub == "import") return data_import(a);
  if (sub == "split") return data_split(a);
  if (sub == "candidates") return data_candidates(a);
  if (sub == "bench") return data_bench(a);
  // The synthetic world lives in its own command file (cmd_data_world.cpp).
  if ((sub == "generate" || sub == "audit") && registry().count("data-" + sub)) return registry()["data-" + sub].fn(a);
  fail("unknown subcommand 'data ", sub, "' (expected import, stats, split, candidates, generate, audit, bench)");
}

Register reg("data", "datasets: import, stats, split, candidates, bench (generate and audit: see tmf data generate)", run_data);

}  // namespace
}  // namespace tmf::cli
