// tmf bench model: does the TMF model recommend? The Table 3 ladder of TMF over several training
// seeds beside reference rows (MostPop, MBHT, ...) on each dataset's stored test candidates, with
// the recipe's checks (bench/model_bench.h). Resumable: trained levels and baselines are reused.
//   tmf bench model --dataset FILE [--dataset FILE ...] --work DIR [--seeds 1,2,3]
//       [--baselines pop,mbht,mbht:dropout=0.2:batch_size=16] [--levels text,behavior,amsa,cma]
//       [--decode free,constrained]
//       [--size demo|default|tiny] [--part test] [--limit N] [--set key=value ...] [--out PREFIX]
//       [--redo] [--device auto] [--quiet]
// A baseline is KIND or KIND:key=value:... (settings over the kind's published defaults; each
// variant is its own row and folder). The default has MBHT twice: as published and as TMF's graph
// stage trains it (dropout 0.2, batch 16), the stronger reference on the demo worlds
// (docs/model-recipe.md).
// Prints the tables and the checks in Markdown; --out also writes PREFIX.md and PREFIX.json.
// Exit status 0 even when a check fails (the tables say which); 1 on errors.
#include <cstdio>
#include <fstream>

#include "bench/model_bench.h"
#include "cli_progress.h"
#include "command.h"
#include "llm/device.h"
#include "pipeline_args.h"
#include "util/error.h"
#include "util/strings.h"

namespace tmf::cli {
namespace {

int bench_model(Args& a) {
  std::vector<std::string> datasets = a.all("dataset");
  ModelBenchOptions o;
  o.work = a.req("work");
  o.ablation.pipeline = pipeline_options(a);
  o.ablation.candidates = o.ablation.pipeline.candidates;
  const std::string seeds = a.get("seeds", "1,2,3"), levels = a.get("levels", "text,behavior,amsa,cma"),
                    decodes = a.get("decode", "free,constrained"), baselines = a.get("baselines", "pop,mbht,mbht:dropout=0.2:batch_size=16");
  o.ablation.seeds.clear();
  for (auto s : split(seeds, ',')) {
    long long v = 0;
    TMF_CHECK(parse_int64(s, v) && v >= 0, "--seeds wants comma-separated non-negative integers, not '", seeds, "'");
    o.ablation.seeds.push_back(uint64_t(v));
  }
  o.ablation.levels.clear();
  for (auto l : split(levels, ',')) o.ablation.levels.push_back(parse_level(std::string(trim(l))));
  o.ablation.decodes.clear();
  for (auto d : split(decodes, ',')) o.ablation.decodes.push_back(parse_decode_mode(std::string(trim(d))));
  o.baselines.clear();
  for (auto b : split(baselines, ','))
    if (!trim(b).empty()) o.baselines.emplace_back(trim(b));
  o.ablation.part = a.get("part", "test");
  TMF_CHECK(o.ablation.part == "test" || o.ablation.part == "valid", "--part must be test or valid, not '",
            o.ablation.part, "'");
  o.ablation.limit = a.get_int("limit", 0);
  TMF_CHECK(o.ablation.limit >= 0, "--limit must be >= 0, got ", o.ablation.limit);
  o.redo = a.flag("redo");
  const std::string out = a.get("out", "");
  const bool quiet = a.flag("quiet");
  for (auto& p : a.positionals()) datasets.push_back(p);
  a.finish();
  TMF_CHECK(!datasets.empty(), "tmf bench model needs one or more --dataset FILE");
  init_torch_threads();
  ModelBenchReport rep = run_model_bench(datasets, o, terminal_progress(quiet));
  const std::string md = rep.markdown();
  std::printf("%s", md.c_str());
  if (!out.empty()) {
    write_file_atomic(out + ".md", md);
    write_file_atomic(out + ".json", rep.json().dump(2) + "\n");
  }
  return 0;
}

Register reg("bench-model",
             "model quality: the TMF ladder over seeds beside MostPop/MBHT on stored test candidates, with the recipe's checks",
             bench_model);

}  // namespace
}  // namespace tmf::cli
