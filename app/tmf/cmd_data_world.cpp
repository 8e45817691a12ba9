// tmf data generate / tmf data audit: the bundled synthetic worlds (design tmf.md §6).
// Options: the Specs below (`tmf data generate --help`, `tmf data audit --help`).
#include <chrono>
#include <cstdio>
#include <filesystem>

#include "cli_progress.h"
#include "command.h"
#include "data/candidates.h"
#include "data/dataset.h"
#include "data/split.h"
#include "data/stats.h"
#include "util/error.h"
#include "util/strings.h"
#include "world/audit.h"
#include "world/generate.h"
#include "world/world_spec.h"

namespace {
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

const tmf::cli::Spec generate_spec =
    tmf::cli::Spec("data generate", "generate the synthetic benchmark worlds (demo / paper presets)")
        .describe(
            "Writes DIR/<world>.tmfdb per world (catalog with rendered product images, shoppers' view / add to cart "
            "/ purchase events), then the default split (history 20) and the default candidate set (seed = --seed, "
            "10 negatives). Deterministic for a spec, preset, sizes and seed. Refuses to overwrite a file without "
            "--force.")
        .required("out", "DIR", "folder to write the dataset files into")
        .text("preset", "NAME", "demo", "a size preset of the world specs: demo (small, for the app) or paper (Table 1 of the paper)")
        .text("world", "NAME", "all", "one world spec by name (electronics, pets, sports) or all")
        .integer("seed", "1", 0, 1LL << 62, "random seed")
        .text("spec-dir", "DIR", "", "folder of world specs (*.json)")
        .computed_default("$TMF_WORLDS_DIR, else an installation's share/tmf-studio/worlds, else data/worlds of the source tree")
        .integer("items", "0", 0, 10000000, "catalog size (0: the preset's)")
        .integer("users", "0", 0, 100000000, "users (0: the preset's)")
        .number("avg-len", "0", 0, 100000, "average events per user (0: the preset's)")
        .flag("force", "overwrite existing dataset files")
        .flag("quiet", "no progress output")
        .example("tmf data generate --preset demo --out data/demo")
        .example("tmf data generate --world pets --seed 11 --out /tmp/pets11");

const tmf::cli::Spec audit_spec =
    tmf::cli::Spec("data audit", "HitRate@1 of single-modality predictors on datasets (what each modality can tell)")
        .describe("Prints a Markdown table: one row per dataset, one column per predictor (world/audit.h).")
        .repeated("dataset", "FILE", "(at least one) dataset file (.tmfdb)")
        .text("split", "NAME", "default", "the split")
        .text("candidates", "NAME", "default", "the stored candidate set")
        .choice("part", {"test", "valid"}, "test", "which split rows to score")
        .integer("seed", "7", 0, 1LL << 62, "random seed of the predictors that sample")
        .example("tmf data audit --dataset data/demo/pets.tmfdb --dataset data/demo/sports.tmfdb");

int run_generate(tmf::cli::Args& args) {
  tmf::world::GenerateOptions opts;
  opts.preset = args.get("preset");
  const std::string world = args.get("world");
  opts.seed = uint64_t(args.get_int("seed"));
  const std::string out = args.req("out");
  const std::string spec_dir = args.get("spec-dir", tmf::world::default_spec_dir());
  opts.items = args.get_int("items");
  opts.users = args.get_int("users");
  opts.avg_len = args.get_double("avg-len");
  const bool force = args.flag("force");
  const bool quiet = args.flag("quiet");

  std::vector<std::string> worlds = world == "all" ? tmf::world::list_worlds(spec_dir) : std::vector<std::string>{world};
  TMF_CHECK(!worlds.empty(), "no world specs (*.json) in ", spec_dir);
  std::vector<tmf::world::WorldSpec> specs;
  for (const auto& w : worlds) {
    const std::string path = spec_dir + "/" + w + ".json";
    TMF_CHECK(fs::exists(path), "no world spec '", w, "' (", path, "); known: ",
              tmf::join(tmf::world::list_worlds(spec_dir), ", "));
    specs.push_back(tmf::world::load_world_spec(path));
  }
  fs::create_directories(out);
  for (const auto& spec : specs) {
    const std::string path = out + "/" + spec.world + ".tmfdb";
    TMF_CHECK(force || !fs::exists(path), path, " exists; pass --force to overwrite it");
    const std::string partial = path + ".partial";
    fs::remove(partial);
    const auto t0 = Clock::now();
    auto progress = tmf::cli::terminal_progress(quiet);
    tmf::world::GenerateSummary sum;
    std::string hash;
    tmf::DatasetStats st;
    try {
      auto ds = tmf::Dataset::create(partial, spec.world);
      sum = tmf::world::generate_world(spec, opts, ds, progress);
      tmf::SplitOptions so;
      so.history_len = 20;
      tmf::make_split(ds, so, progress);
      tmf::CandidateOptions co;
      co.seed = opts.seed;
      co.num_negatives = 10;
      tmf::make_candidates(ds, co, progress);
      hash = ds.content_hash();
      st = tmf::dataset_stats(ds);
    } catch (...) {
      fs::remove(partial);
      throw;
    }
    fs::rename(partial, path);
    std::printf("%s: %lld items, %lld users, %lld events, avg length %.2f, item/user %.3f; %.1f s, %.1f MB; content %s\n",
                path.c_str(), static_cast<long long>(sum.items), static_cast<long long>(sum.users),
                static_cast<long long>(sum.events), st.avg_seq_len, st.item_user_ratio, seconds_since(t0),
                double(fs::file_size(path)) / 1e6, hash.substr(0, 16).c_str());
  }
  return 0;
}

int run_audit(tmf::cli::Args& args) {
  tmf::world::AuditOptions opts;
  const auto datasets = args.all("dataset");
  if (datasets.empty()) throw tmf::cli::UsageError("give at least one --dataset FILE");
  opts.split = args.get("split");
  opts.candidates = args.get("candidates");
  opts.part = args.get("part");
  opts.seed = uint64_t(args.get_int("seed"));
  std::vector<tmf::world::AuditResult> results;
  for (const auto& path : datasets) {
    auto ds = tmf::Dataset::open(path, /*read_only=*/true);
    const auto t0 = Clock::now();
    results.push_back(tmf::world::audit_modalities(ds, opts, tmf::cli::terminal_progress(true)));
    std::fprintf(stderr, "audited %s in %.1f s\n", path.c_str(), seconds_since(t0));
  }
  std::printf("HitRate@1 on candidate set '%s' of split '%s', part %s (%d candidates per row)\n\n%s",
              opts.candidates.c_str(), opts.split.c_str(), opts.part.c_str(), results[0].candidates_per_row,
              tmf::world::format_audit(results).c_str());
  return 0;
}

tmf::cli::Register reg_generate(generate_spec, run_generate);
tmf::cli::Register reg_audit(audit_spec, run_audit);
tmf::cli::RegisterAlias alias_generate("data-generate", "data generate");
tmf::cli::RegisterAlias alias_audit("data-audit", "data audit");
}  // namespace
