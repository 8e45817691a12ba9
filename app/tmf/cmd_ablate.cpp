// tmf ablate: the paper's Table 3 on a dataset — trains the four levels (text only; + behavior
// tokens; + item tokens (AMSA); + CMA) with identical data, stages and seeds, evaluates each on the
// stored candidate sets, stores every run in the dataset and prints the table (eval/ablation.h).
//   tmf ablate --dataset FILE --out DIR [--seeds 1,2,3] [--levels text,behavior,amsa,cma]
//              [--decode constrained,free] [--limit N] [--part test|valid] [--split default] [--candidates default]
//              [--size default|demo|tiny] [--steps 300] [--batch 8] [--lr 5e-4] [--warmup-steps 300]
//              [--warmup-prompts 2000] [--warmup-batch 16]
//              [--clip-steps 300] [--mbht-epochs 20] [--device auto] [--redo] [--json]
#include <cstdio>

#include <nlohmann/json.hpp>

#include "cli_progress.h"
#include "command.h"
#include "data/dataset.h"
#include "eval/ablation.h"
#include "llm/device.h"
#include "pipeline_args.h"
#include "util/strings.h"

namespace {

int run_ablate(tmf::cli::Args& a) {
  using namespace tmf;
  Dataset ds = Dataset::open(a.req("dataset"));
  const std::string out = a.req("out");
  AblationOptions o;
  o.pipeline = cli::pipeline_options(a);
  o.candidates = o.pipeline.candidates;
  const std::string seeds = a.get("seeds", "42"), levels = a.get("levels", "text,behavior,amsa,cma"),
                    decodes = a.get("decode", "constrained,free");
  o.seeds.clear();
  for (auto s : split(seeds, ',')) {
    long long v = 0;
    TMF_CHECK(parse_int64(s, v) && v >= 0, "--seeds wants comma-separated non-negative integers, not '", seeds, "'");
    o.seeds.push_back(uint64_t(v));
  }
  o.levels.clear();
  for (auto l : split(levels, ',')) o.levels.push_back(parse_level(std::string(trim(l))));
  o.decodes.clear();
  for (auto d : split(decodes, ',')) o.decodes.push_back(parse_decode_mode(std::string(trim(d))));
  o.limit = a.get_int("limit", 0);
  o.part = a.get("part", "test");
  TMF_CHECK(o.part == "test" || o.part == "valid", "--part must be test or valid, not '", o.part, "'");
  o.eval.batch = a.get_int("eval-batch", 16);
  o.redo = a.flag("redo");
  const bool json = a.flag("json");
  a.finish();
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

tmf::cli::Register reg("ablate", "Table 3: train and evaluate the four TMF ablation levels with identical data and seeds",
                       run_ablate);

}  // namespace
