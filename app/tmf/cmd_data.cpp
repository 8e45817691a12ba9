// tmf data import|stats|split|candidates|bench: the dataset side of the command line.
// Options: the Specs below (`tmf data COMMAND --help`).
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fstream>

#include <chrono>
#include <cstdio>
#include <filesystem>

#include "cli_progress.h"
#include "command.h"
#include "data/candidates.h"
#include "data/dataset.h"
#include "data/importers/import.h"
#include "data/sqlite.h"
#include "data/split.h"
#include "data/stats.h"
#include "util/error.h"
#include "util/json_file.h"
#include "util/sha256.h"
#include "util/strings.h"

namespace tmf::cli {
namespace {

bool file_exists(const std::string& p) {
  struct stat st;
  return ::stat(p.c_str(), &st) == 0;
}

// An SQLite file and its companions.
constexpr const char* kDatasetSuffixes[] = {"", "-wal", "-shm", "-journal"};

void remove_dataset_files(const std::string& p) {
  for (const char* suffix : kDatasetSuffixes) ::unlink((p + suffix).c_str());
}

// Removes what killed imports into `out` left: "<out>.importing-<pid>[-wal...]" whose process is gone.
void remove_stale_import_files(const std::string& out) {
  namespace fs = std::filesystem;
  const fs::path target = fs::absolute(out);
  const std::string prefix = target.filename().string() + ".importing-";
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(target.parent_path(), ec)) {
    const std::string name = e.path().filename().string();
    if (name.rfind(prefix, 0) != 0) continue;
    std::string pid_text = name.substr(prefix.size());
    for (const char* suffix : kDatasetSuffixes)
      if (*suffix && ends_with(pid_text, suffix)) pid_text.resize(pid_text.size() - std::strlen(suffix));
    long long pid = 0;
    if (parse_int64(pid_text, pid) && pid > 0 && ::kill(pid_t(pid), 0) != 0 && errno == ESRCH) fs::remove(e.path(), ec);
  }
}

// SHA-256 over the import's source files (a folder: its regular files, by name), streamed.
std::string source_hash(const std::vector<std::string>& sources) {
  namespace fs = std::filesystem;
  std::vector<std::string> files;
  for (const auto& src : sources) {
    if (src.empty()) continue;
    if (fs::is_directory(src)) {
      std::vector<std::string> in;
      for (const auto& e : fs::directory_iterator(src))
        if (e.is_regular_file()) in.push_back(e.path().string());
      std::sort(in.begin(), in.end());
      files.insert(files.end(), in.begin(), in.end());
    } else {
      files.push_back(src);
    }
  }
  Sha256 h;
  std::vector<char> buf(1 << 20);
  for (const auto& f : files) {
    std::ifstream in(f, std::ios::binary);
    TMF_CHECK(in, "cannot read '", f, "'");
    h.update(std::to_string(fs::file_size(f)) + '\0');  // content only: a renamed copy is the same source
    while (in.read(buf.data(), std::streamsize(buf.size())) || in.gcount() > 0)
      h.update(std::string_view(buf.data(), size_t(in.gcount())));
  }
  return h.hex();
}

// The sources a dataset has imported, in meta "imports": [{"sha256", "source", "format", "at"}].
nlohmann::json imported_sources(const Dataset& ds) {
  const std::string text = ds.meta("imports", "[]");
  nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  return j.is_array() ? j : nlohmann::json::array();
}

// An exclusive lock on an existing dataset file for the whole import: concurrent importers into
// one file run one after the other (and the later one sees what the earlier one imported).
struct ImportLock {
  int fd = -1;
  explicit ImportLock(const std::string& path) {
    fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    TMF_CHECK(fd >= 0, "cannot open '", path, "': ", std::strerror(errno));
    while (::flock(fd, LOCK_EX) != 0) TMF_CHECK(errno == EINTR, "cannot lock '", path, "': ", std::strerror(errno));
  }
  ~ImportLock() { ::close(fd); }
  ImportLock(const ImportLock&) = delete;
  ImportLock& operator=(const ImportLock&) = delete;
};

const Spec import_spec =
    Spec("data import", "import events (and items) into a dataset file")
        .describe(
            "Formats: recbole (a folder with NAME.inter and optional .item/.user, or the .inter file), "
            "retailrocket (events.csv), taobao (UserBehavior.csv) and generic (CSV or JSON lines with a column "
            "mapping, plus an optional item catalog). A new dataset appears only when the import succeeds; an "
            "existing one gets the new events in one transaction. Importing the same content twice is refused "
            "unless --append.")
        .choice("format", {"recbole", "retailrocket", "taobao", "generic"}, "", "source format")
        .is_required()
        .required("out", "FILE", "dataset file (.tmfdb) to create or add to")
        .text("name", "NAME", "", "dataset name")
        .computed_default("the file name of --out without its extension")
        .text("input", "PATH", "", "recbole, retailrocket, taobao: the source file or folder")
        .text("rating-map", "MAP", "", "recbole: ratings to behaviors (e.g. 1-2:dislike,3:neutral,4-5:like)")
        .text("target", "BEHAVIOR", "", "target behavior (generic: required; recbole: with --rating-map or --behavior-field)")
        .text("behavior-field", "FIELD", "", "recbole: use this .inter field as the behavior name instead of ratings")
        .text("events", "FILE", "", "generic: the events file (.csv or .jsonl)")
        .choice("events-format", {"csv", "jsonl"}, "", "generic: format of --events")
        .computed_default("from the extension")
        .text("sep", "CHAR", ",", "generic: CSV separator (one character or \\t)")
        .text("map", "MAP", "", "generic: columns of user, item, behavior, time (e.g. user=uid,item=sku,behavior=event,time=ts)")
        .choice("time-format", {"unix", "unix_ms", "iso8601", "index"}, "unix", "generic: how --map's time column is written")
        .text("behaviors", "LIST", "", "generic: the behavior vocabulary in order (e.g. view,cart,purchase)")
        .text("behavior-map", "MAP", "", "generic: source values to vocabulary names (e.g. pv=view,buy=purchase)")
        .text("catalog", "FILE", "", "generic: item catalog file (.csv or .jsonl)")
        .choice("catalog-format", {"csv", "jsonl"}, "", "generic: format of --catalog")
        .computed_default("from the extension")
        .text("catalog-map", "MAP", "", "generic: catalog columns of id, title, brand, categories, description, image")
        .text("categories-sep", "CHAR", "|", "generic: separator inside the categories column")
        .flag("append", "import a source this dataset already holds again (doubles its events)")
        .flag("quiet", "no progress output")
        .example("tmf data import --format recbole --input ml-100k/ --out ml100k.tmfdb")
        .example(
            "tmf data import --format generic --events events.csv --map user=uid,item=sku,behavior=event,time=ts "
            "--behaviors view,cart,purchase --target purchase --out shop.tmfdb");

// Options of other formats are refused, not ignored.
void only_for(const Args& a, const std::string& format, const std::vector<std::string>& names,
              const std::string& formats) {
  for (const auto& n : names)
    if (a.has(n)) throw UsageError("--" + n + " applies to --format " + formats + ", not " + format);
}

std::string required_for(const Args& a, const std::string& name, const std::string& format) {
  auto v = a.opt(name);
  if (!v) throw UsageError("--format " + format + " needs --" + name);
  return *v;
}

int data_import(Args& a) {
  const std::string format = a.req("format");
  const std::string out = a.req("out");
  const bool fresh = !file_exists(out);
  std::string name = a.get("name", std::filesystem::path(out).stem().string());
  const std::vector<std::string> recbole_only = {"rating-map", "behavior-field"};
  const std::vector<std::string> generic_only = {"events", "events-format", "sep", "map", "time-format", "behaviors",
                                                 "behavior-map", "catalog", "catalog-format", "catalog-map", "categories-sep"};
  if (format != "recbole") only_for(a, format, recbole_only, "recbole");
  if (format != "generic") only_for(a, format, generic_only, "generic");
  if (format == "generic") only_for(a, format, {"input"}, "recbole, retailrocket or taobao");
  if (format == "retailrocket" || format == "taobao") only_for(a, format, {"target"}, "generic or recbole");
  RecboleOptions ro;
  GenericOptions go;
  std::string input;
  if (format == "recbole") {
    input = required_for(a, "input", format);
    auto mapping = a.opt("rating-map");
    auto target = a.opt("target");
    if (mapping || target) ro.mapping = RatingMapping::parse(mapping.value_or("1-2:dislike,3:neutral,4-5:like"), target.value_or("like"));
    ro.behavior_field = a.opt("behavior-field").value_or("");
    if (!ro.behavior_field.empty()) ro.target = target.value_or("");
  } else if (format == "retailrocket" || format == "taobao") {
    input = required_for(a, "input", format);
  } else {
    go.events_path = required_for(a, "events", format);
    go.events_format = a.opt("events-format").value_or("");
    std::string sep = a.get("sep");
    TMF_CHECK(sep.size() == 1 || sep == "\\t", "--sep must be one character, got '", sep, "'");
    go.csv_sep = sep == "\\t" ? '\t' : sep[0];
    go.event_map = parse_mapping(required_for(a, "map", format), "--map");
    go.time_format = a.get("time-format");
    const std::string behaviors = required_for(a, "behaviors", format);  // split() views into it: it must outlive the loop
    for (auto b : split(behaviors, ',')) go.behaviors.emplace_back(trim(b));
    go.target = required_for(a, "target", format);
    go.behavior_aliases = parse_mapping(a.opt("behavior-map").value_or(""), "--behavior-map");
    go.catalog_path = a.opt("catalog").value_or("");
    go.catalog_format = a.opt("catalog-format").value_or("");
    if (!go.catalog_path.empty()) go.catalog_map = parse_mapping(required_for(a, "catalog-map", "generic with --catalog"), "--catalog-map");
    go.categories_sep = a.get("categories-sep");
  }
  const bool quiet = a.flag("quiet");
  const bool append = a.flag("append");
  Progress progress = terminal_progress(quiet);
  const std::string source = input.empty() ? go.events_path : input;
  const std::string hash = source_hash({source, go.catalog_path});
  ImportReport rep;
  // Imports into `ds`, refusing a source it already holds unless --append, and records the source.
  auto import_into = [&](Dataset& ds) {
    for (const auto& s : imported_sources(ds))
      TMF_CHECK(append || s.value("sha256", "") != hash, "'", out, "' already holds an import of this content (",
                s.value("format", "?"), ":", s.value("source", "?"), " at ", s.value("at", "?"),
                "); importing it again would double its events. Nothing was changed; pass --append to add it anyway");
    if (format == "recbole") rep = import_recbole(ds, input, ro, progress);
    else if (format == "retailrocket") rep = import_retailrocket(ds, input, progress);
    else if (format == "taobao") rep = import_taobao(ds, input, progress);
    else rep = import_generic(ds, go, progress);
    nlohmann::json list = imported_sources(ds);
    list.push_back({{"sha256", hash}, {"source", source}, {"format", format}, {"at", now_iso8601()}});
    ds.set_meta("imports", list.dump());
    ds.set_meta("source", format + ":" + source);
  };
  if (fresh) {
    // A new dataset is built under a temporary name and linked into place at the end: a killed
    // import leaves no file at `out`, and of concurrent imports into one new path one wins and the
    // others fail cleanly (link never replaces a file).
    const std::string tmp = out + ".importing-" + std::to_string(::getpid());
    remove_dataset_files(tmp);
    remove_stale_import_files(out);
    try {
      {
        Dataset ds = Dataset::create(tmp, name);
        import_into(ds);
        ds.db().exec("PRAGMA wal_checkpoint(TRUNCATE)");  // everything in the main file before it moves
      }
      if (::link(tmp.c_str(), out.c_str()) != 0) {
        const int err = errno;
        fail(err == EEXIST ? "'" + out + "' was created by another command while this import ran; nothing was written to it (import into it again to add this source)"
                           : "cannot create '" + out + "': " + std::strerror(err));
      }
    } catch (...) {
      remove_dataset_files(tmp);
      throw;
    }
    remove_dataset_files(tmp);
  } else {
    ImportLock lock(out);
    Dataset ds = Dataset::open(out);
    import_into(ds);
  }
  std::printf("%s", rep.summary().c_str());
  std::printf("dataset: %s\n", out.c_str());
  return 0;
}

const Spec stats_spec = Spec("data stats", "Table 1 of the paper for dataset files, in Markdown")
                            .text("dataset", "FILE", "", "a dataset file (.tmfdb); more as positional arguments")
                            .flag("json", "one JSON object per dataset and line instead of the table")
                            .positionals("FILE...", 0, 100000, "dataset files")
                            .example("tmf data stats data/worlds/demo/*.tmfdb");

int data_stats(Args& a) {
  bool json = a.flag("json");
  std::vector<std::string> files;
  if (auto d = a.opt("dataset")) files.push_back(*d);
  for (auto& f : a.positionals()) files.push_back(f);
  if (files.empty()) throw UsageError("tmf data stats needs one or more dataset files");
  std::vector<DatasetStats> rows;
  for (auto& f : files) rows.push_back(dataset_stats(Dataset::open(f, /*read_only=*/true)));
  if (json) {
    // One JSON object per line, written by the JSON library (names may hold quotes or newlines).
    for (auto& r : rows)
      std::printf("%s\n", nlohmann::json{{"name", r.name},
                                         {"items", r.items},
                                         {"users", r.users},
                                         {"events", r.events},
                                         {"avg_seq_len", r.avg_seq_len},
                                         {"behaviors", join(r.behaviors, ",")},
                                         {"target", r.target_behavior},
                                         {"item_user_ratio", r.item_user_ratio}}
                               .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
                               .c_str());
  } else {
    std::printf("%s", format_table1(rows).c_str());
  }
  return 0;
}

const Spec split_spec =
    Spec("data split", "make a leave-one-out split: each user's last target event is the test row, the one before it validation")
        .required("dataset", "FILE", "dataset file (.tmfdb)")
        .text("name", "NAME", "default", "name of the split")
        .integer("history", "20", 1, 100000, "history steps kept before each row")
        .flag("replace", "replace a split of the same name (and its candidate sets)")
        .example("tmf data split --dataset shop.tmfdb --history 20");

int data_split(Args& a) {
  Dataset ds = Dataset::open(a.req("dataset"));
  SplitOptions o;
  o.name = a.get("name");
  o.history_len = int(a.get_int("history"));
  o.replace = a.flag("replace");
  auto s = make_split(ds, o, terminal_progress(true));
  std::printf("split '%s': %lld users, %lld validation rows, %lld test rows, %lld users skipped (no target with history)\n",
              o.name.c_str(), (long long)s.users, (long long)s.valid_rows, (long long)s.test_rows, (long long)s.users_skipped);
  return 0;
}

const Spec candidates_spec =
    Spec("data candidates", "store a candidate set: the truth plus sampled negatives for every validation and test row")
        .required("dataset", "FILE", "dataset file (.tmfdb)")
        .text("split", "NAME", "default", "the split whose rows get candidates")
        .text("name", "NAME", "default", "name of the candidate set")
        .choice("mode", {"random", "hard"}, "random", "negatives drawn uniformly, or from the truth's category (hard)")
        .integer("seed", "42", 0, 1LL << 62, "random seed")
        .integer("negatives", "10", 1, 100000, "negatives per row (the paper: 10)")
        .flag("replace", "replace a candidate set of the same name")
        .example("tmf data candidates --dataset shop.tmfdb --mode hard --seed 7");

int data_candidates(Args& a) {
  Dataset ds = Dataset::open(a.req("dataset"));
  CandidateOptions o;
  o.split = a.get("split");
  o.name = a.get("name");
  o.mode = a.get("mode");
  o.seed = uint64_t(a.get_int("seed"));
  o.num_negatives = int(a.get_int("negatives"));
  o.replace = a.flag("replace");
  auto t0 = std::chrono::steady_clock::now();
  auto s = make_candidates(ds, o, terminal_progress(true));
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("candidate set '%s' (%s, seed %llu, %d negatives): %lld rows in %.2f s%s\n", o.name.c_str(), o.mode.c_str(),
              (unsigned long long)o.seed, o.num_negatives, (long long)s.rows, secs,
              s.topped_up ? (", " + std::to_string(s.topped_up) + " rows topped up from the whole catalog").c_str() : "");
  return 0;
}

const Spec bench_spec = Spec("data bench", "import events/s, split and candidate generation time on MovieLens-100K")
                            .text("ml100k", "DIR", "", "the RecBole ml-100k folder")
                            .computed_default("../shared/datasets/ml-100k beside the source tree")
                            .integer("repeats", "3", 1, 1000000, "runs (the median is printed)")
                            .example("tmf data bench --repeats 5");

int data_bench(Args& a) {
  std::string ml = a.get("ml100k", std::string(TMF_SOURCE_DIR) + "/../shared/datasets/ml-100k");
  int repeats = int(a.get_int("repeats"));
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

RegisterGroup group("data", "datasets: import, stats, split, candidates, generate, audit, bench");
Register reg_import(import_spec, data_import);
Register reg_stats(stats_spec, data_stats);
Register reg_split(split_spec, data_split);
Register reg_candidates(candidates_spec, data_candidates);
Register reg_bench(bench_spec, data_bench);

}  // namespace
}  // namespace tmf::cli
