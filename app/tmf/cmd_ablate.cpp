// tmf ablate: the paper's Table 3 on a dataset — trains the four levels (text only; + behavior
// tokens; + item tokens (AMSA); + CMA) with identical data, stages and seeds, evaluates each on the
// stored candidate sets, stores every run in the dataset and prints the table (eval/ablation.h).
// Options: the Spec below (`tmf ablate --help`).
#include <cstdio>

#include <nlohmann/json.hpp>

#include "cli_progress.h"
#include "command.h"
#include "data/dataset.h"
#include "eval/ablation.h"
#include "llm/device.h"
#include "pipeline_args.h"
#include "tmf/decode_mode.h"
#include "util/strings.h"

namespace {

const tmf::cli::Spec spec =
    tmf::cli::Spec("ablate", "Table 3: train and evaluate the four TMF ablation levels with identical data and seeds")
        .describe(
            "Trains one package per level and seed under DIR (resumable: finished packages are reused unless "
            "--redo), evaluates each on the stored candidate set, stores every run in the dataset and prints the "
            "table.")
        .required("dataset", "FILE", "dataset file (.tmfdb) with a split and candidate sets")
        .required("out", "DIR", "folder for the trained packages (one per level and seed)")
        .text("seeds", "LIST", "42", "comma-separated training seeds")
        .text("levels", "LIST", "text,behavior,amsa,cma", "comma-separated ablation levels")
        .text("decode", "LIST", "constrained,free", std::string("comma-separated decoding modes (") + tmf::kDecodeModesHelp + ")")
        .integer("limit", "0", 0, 1LL << 40, "evaluate the first N rows only (0: all)")
        .choice("part", {"test", "valid"}, "test", "which split rows to evaluate")
        .integer("eval-batch", "16", 1, 1 << 20, "evaluation batch size")
        .include(tmf::cli::pipeline_option_specs())
        .flag("redo", "retrain and re-evaluate every level")
        .flag("json", "print the cells as JSON instead of the Markdown table")
        .example("tmf ablate --dataset data/worlds/demo/pets.tmfdb --out runs/ablate --size demo --seeds 1,2,3");

int run_ablate(tmf::cli::Args& a) {
  using namespace tmf;
  Dataset ds = Dataset::open(a.req("dataset"));
  const std::string out = a.req("out");
  AblationOptions o;
  o.pipeline = cli::pipeline_options(a);
  o.candidates = o.pipeline.candidates;
  const std::string seeds = a.get("seeds"), levels = a.get("levels"), decodes = a.get("decode");
  o.seeds.clear();
  for (auto s : split(seeds, ',')) {
    long long v = 0;
    TMF_CHECK(parse_int64(s, v) && v >= 0, "--seeds wants comma-separated non-negative integers, not '", seeds, "'");
    o.seeds.push_back(uint64_t(v));
  }
  o.levels.clear();
  for (auto l : split(levels, ',')) o.levels.push_back(parse_level(std::string(trim(l))));
  o.decodes.clear();
  o.decodes = parse_decode_modes(decodes);
  o.limit = a.get_int("limit");
  o.part = a.get("part");
  o.eval.batch = a.get_int("eval-batch");
  o.redo = a.flag("redo");
  const bool json = a.flag("json");
  init_torch_threads();
  AblationReport rep = run_ablation(ds, out, o, cli::terminal_progress(json));
  if (json) {
    nlohmann::json cells = nlohmann::json::array();
    for (const auto& c : rep.cells)
      cells.push_back({{"level", level_name(c.level)}, {"seed", c.seed}, {"decode", decode_mode_name(c.decode)}, {"n", c.stats.n},
                       {"n_valid", c.stats.n_valid}, {"n_hit", c.stats.n_hit}, {"hit_rate_all", c.stats.hit_rate_all()},
                       {"valid_ratio", c.stats.valid_ratio()}, {"train_seconds", c.train_seconds},
                       {"eval_seconds", c.eval_seconds}, {"package", c.package_dir}});
    std::printf("%s\n", nlohmann::json{{"dataset", ds.name()}, {"cells", cells}}.dump(2).c_str());
  } else {
    std::printf("Table 3 on %s\n\n%s", ds.name().c_str(), rep.markdown().c_str());
  }
  return 0;
}

tmf::cli::Register reg(spec, run_ablate);

}  // namespace
