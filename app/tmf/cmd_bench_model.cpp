// tmf bench model: does the TMF model recommend? The Table 3 ladder of TMF over several training
// seeds beside reference rows (MostPop, MBHT, ...) on each dataset's stored test candidates, with
// the recipe's checks (bench/model_bench.h). Resumable: trained levels and baselines are reused.
// Options: the Spec below (`tmf bench model --help`).
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

const Spec spec =
    Spec("bench model",
         "model quality: the TMF ladder over seeds beside MostPop/MBHT on stored test candidates, with the recipe's "
         "checks")
        .describe(
            "Trains the Table 3 levels over several seeds and the reference baselines on each dataset, evaluates "
            "them on the stored test candidates and prints the tables and the recipe's checks in Markdown. "
            "Resumable: trained levels and baselines under --work are reused. Exit status 0 even when a check "
            "fails (the tables say which).")
        .repeated("dataset", "FILE", "dataset file (.tmfdb); also accepted as positional arguments")
        .required("work", "DIR", "folder for the trained packages and baselines")
        .text("seeds", "LIST", "1,2,3", "comma-separated training seeds")
        .text("levels", "LIST", "text,behavior,amsa,cma", "comma-separated ablation levels")
        .text("decode", "LIST", "free,constrained", std::string("comma-separated decoding modes (") + kDecodeModesHelp + ")")
        .text("baselines", "LIST", "pop,mbht,mbht:dropout=0.2:batch_size=16",
              "reference rows: KIND or KIND:key=value:... (settings over the kind's published defaults; each "
              "variant is its own row)")
        .choice("part", {"test", "valid"}, "test", "which split rows to evaluate")
        .integer("limit", "0", 0, 1LL << 40, "evaluate the first N rows only (0: all)")
        .include(pipeline_option_specs())
        .text("out", "PREFIX", "", "also write PREFIX.md and PREFIX.json")
        .flag("redo", "retrain and re-evaluate everything")
        .flag("quiet", "no progress output")
        .positionals("FILE...", 0, 1000, "more dataset files")
        .example("tmf bench model --work runs/model --size demo data/worlds/demo/pets.tmfdb data/worlds/demo/sports.tmfdb");

int bench_model(Args& a) {
  std::vector<std::string> datasets = a.all("dataset");
  ModelBenchOptions o;
  o.work = a.req("work");
  o.ablation.pipeline = pipeline_options(a);
  o.ablation.candidates = o.ablation.pipeline.candidates;
  const std::string seeds = a.get("seeds"), levels = a.get("levels"),
                    decodes = a.get("decode"), baselines = a.get("baselines");
  o.ablation.seeds.clear();
  for (auto s : split(seeds, ',')) {
    long long v = 0;
    TMF_CHECK(parse_int64(s, v) && v >= 0, "--seeds wants comma-separated non-negative integers, not '", seeds, "'");
    o.ablation.seeds.push_back(uint64_t(v));
  }
  o.ablation.levels.clear();
  for (auto l : split(levels, ',')) o.ablation.levels.push_back(parse_level(std::string(trim(l))));
  o.ablation.decodes.clear();
  o.ablation.decodes = parse_decode_modes(decodes);
  o.baselines.clear();
  for (auto b : split(baselines, ','))
    if (!trim(b).empty()) o.baselines.emplace_back(trim(b));
  o.ablation.part = a.get("part");
  o.ablation.limit = a.get_int("limit");
  o.redo = a.flag("redo");
  const std::string out = a.opt("out").value_or("");
  const bool quiet = a.flag("quiet");
  for (auto& p : a.positionals()) datasets.push_back(p);
  if (datasets.empty()) throw UsageError("tmf bench model needs one or more --dataset FILE");
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

Register reg(spec, bench_model);

}  // namespace
}  // namespace tmf::cli
