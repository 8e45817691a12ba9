#include "eval/ablation.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "data/candidates.h"
#include "data/dataset.h"
#include "eval/eval_runs.h"
#include "tmf/tmf_package.h"
#include "util/error.h"
#include "util/mean_std.h"
#include "util/strings.h"

namespace tmf {
namespace fs = std::filesystem;

AblationReport run_ablation(Dataset& ds, const std::string& root, const AblationOptions& o, const Progress& progress) {
  TMF_CHECK(!o.seeds.empty() && !o.levels.empty() && !o.decodes.empty(), "ablation needs seeds, levels and decodings");
  auto examples = stored_examples(ds, o.pipeline.split, o.candidates, o.part, o.limit);
  TMF_CHECK(!examples.empty(), "split '", o.pipeline.split, "' has no ", o.part, " rows with stored candidates '",
            o.candidates, "'");
  const int64_t set_id = candidate_set_id(ds, o.pipeline.split, o.candidates);
  AblationReport rep;
  const double total = double(o.seeds.size() * o.levels.size());
  double done = 0;
  for (uint64_t seed : o.seeds) {
    const std::string seed_dir = root + "/seed-" + std::to_string(seed);
    for (AblationLevel level : o.levels) {
      const std::string dir = seed_dir + "/" + level_name(level);
      Progress sub{[&](const ProgressEvent& e) {
                     if (progress.callback)
                       progress.callback(ProgressEvent{std::string(level_name(level)) + " seed " + std::to_string(seed) +
                                                           " " + e.stage,
                                                       e.done, e.total, e.message});
                   },
                   progress.cancel};
      double train_s = 0;
      if (o.redo || !fs::exists(dir + "/tmf.json")) {
        PipelineOptions po = o.pipeline;
        po.level = level;
        po.seed = seed;
        po.stages_dir = seed_dir + "/stages";
        po.redo = false;
        auto t0 = std::chrono::steady_clock::now();
        train_pipeline(ds, dir, po, sub);
        train_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      }
      LoadedPackage pkg = load_package(dir, NameBook::of(ds), o.pipeline.device, &ds);
      const std::string hash = package_hash(dir);
      for (DecodeMode decode : o.decodes) {
        EvalOptions eo = o.eval;
        eo.decode = decode;
        EvalResult er = evaluate_tmf(pkg.model, examples, eo, sub);
        AblationCell c;
        c.level = level;
        c.seed = seed;
        c.decode = decode;
        c.stats = er.stats;
        c.train_seconds = train_s;
        c.eval_seconds = er.seconds;
        c.package_dir = dir;
        EvalRun run;
        run.model_name = dir;
        run.model_kind = "tmf";
        run.model_hash = hash;
        run.level = level_name(level);
        run.candidate_set_id = set_id;
        run.part = o.part;
        run.decode = decode_mode_name(decode);
        run.seed = int64_t(seed);
        run.stats = er.stats;
        run.settings = nlohmann::json{{"ablation", root}, {"limit", o.limit}, {"package", pkg.manifest}}.dump();
        run.wall_seconds = er.seconds;
        store_eval_run(ds, run);
        rep.cells.push_back(std::move(c));
      }
      progress.report("ablate", ++done, total, std::string(level_name(level)) + " seed " + std::to_string(seed));
    }
  }
  return rep;
}

std::string AblationReport::markdown() const {
  static const std::pair<AblationLevel, const char*> kRows[] = {
      {AblationLevel::Text, "text only"},
      {AblationLevel::Behavior, "+ behavior tokens"},
      {AblationLevel::Amsa, "+ item tokens (AMSA)"},
      {AblationLevel::Cma, "+ CMA (full TMF)"}};
  std::vector<DecodeMode> decodes;
  std::vector<uint64_t> seeds;
  for (const auto& c : cells) {
    if (std::find(decodes.begin(), decodes.end(), c.decode) == decodes.end()) decodes.push_back(c.decode);
    if (std::find(seeds.begin(), seeds.end(), c.seed) == seeds.end()) seeds.push_back(c.seed);
  }
  auto fmt = [](const std::vector<double>& v) { return format_mean_std(v, 3); };
  std::string out = "| level |";
  for (DecodeMode d : decodes)
    out += std::string(" HitRate@1 (") + decode_mode_name(d) + ") |" + (d == DecodeMode::Free ? " ValidRatio (free) |" : "");
  out += "\n|---|";
  for (DecodeMode d : decodes) out += d == DecodeMode::Free ? "---|---|" : "---|";
  out += "\n";
  for (auto& [level, label] : kRows) {
    bool any = false;
    std::string row = std::string("| ") + label + " |";
    for (DecodeMode d : decodes) {
      std::vector<double> hr, vr;
      for (const auto& c : cells)
        if (c.level == level && c.decode == d) {
          hr.push_back(c.stats.hit_rate_all());
          vr.push_back(c.stats.valid_ratio());
        }
      any |= !hr.empty();
      row += " " + (hr.empty() ? std::string("–") : fmt(hr)) + " |";
      if (d == DecodeMode::Free) row += " " + (vr.empty() ? std::string("–") : fmt(vr)) + " |";
    }
    if (any) out += row + "\n";
  }
  out += "\n" + std::to_string(seeds.size()) + " seed(s)";
  if (!cells.empty()) out += ", " + std::to_string(cells[0].stats.n) + " sequences each";
  out += "\n";
  return out;
}

}  // namespace tmf
