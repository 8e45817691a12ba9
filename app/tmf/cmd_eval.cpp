// tmf eval: HitRate@1 and ValidRatio of a TMF model package on a dataset's stored candidate sets;
// every run is stored in the dataset (eval_runs).
// Options: the Spec below (`tmf eval --help`).
#include <cstdio>

#include <nlohmann/json.hpp>

#include "cli_progress.h"
#include "command.h"
#include "data/candidates.h"
#include "data/split.h"
#include "eval/eval_runs.h"
#include "eval/tmf_eval.h"
#include "llm/device.h"
#include "tmf/tmf_package.h"
#include "util/strings.h"

namespace {

const tmf::cli::Spec spec =
    tmf::cli::Spec("eval", "HitRate@1 / ValidRatio of a TMF package on stored candidate sets")
        .describe("Every run is stored in the dataset (eval_runs) and shows in the app's Experiments dock.")
        .required("dataset", "FILE", "dataset file (.tmfdb) with the split and candidate set")
        .required("model", "DIR", "TMF model package (tmf train)")
        .text("split", "NAME", "default", "the split")
        .text("candidates", "NAME", "default", "the stored candidate set")
        .choice("part", {"test", "valid"}, "test", "which split rows to evaluate")
        .choice("decode", tmf::decode_mode_names(), "free",
                "free: generate the item name and match it to the candidates (the paper); constrained: generation "
                "restricted to candidate names; likelihood: the most likely candidate name")
        .integer("limit", "0", 0, 1LL << 40, "evaluate the first N rows only (0: all)")
        .integer("batch", "16", 1, 1 << 20, "prompts per batch")
        .device("auto")
        .flag("json", "print the result as JSON")
        .example("tmf eval --dataset data/worlds/demo/pets.tmfdb --model models/pets --decode constrained");

int run_eval(tmf::cli::Args& a) {
  using namespace tmf;
  Dataset ds = Dataset::open(a.req("dataset"));
  const std::string model_dir = a.req("model");
  const std::string split = a.get("split"), cands = a.get("candidates"), part = a.get("part");
  EvalOptions eo;
  eo.decode = parse_decode_mode(a.get("decode"));
  eo.batch = a.get_int("batch");
  const int64_t limit = a.get_int("limit");
  const bool json = a.flag("json");
  const std::string device = resolve_device(a.get("device"));
  init_torch_threads();
  LoadedPackage pkg = load_package(model_dir, NameBook::of(ds), device, &ds);
  const int64_t set_id = candidate_set_id(ds, split, cands);
  std::vector<TmfExample> examples = stored_examples(ds, split, cands, part, limit);
  EvalResult res = evaluate_tmf(pkg.model, examples, eo, cli::terminal_progress(json));
  const std::string model_hash = package_hash(model_dir);
  nlohmann::json settings = {{"split", split}, {"candidates", cands}, {"limit", limit}, {"package", pkg.manifest}};
  EvalRun run;
  run.model_name = model_dir;
  run.model_kind = "tmf";
  run.model_hash = model_hash;
  run.level = level_name(pkg.model.level());
  run.candidate_set_id = set_id;
  run.part = part;
  run.decode = decode_mode_name(eo.decode);
  run.seed = int64_t(pkg.info.settings.value("seed", 0));
  run.stats = res.stats;
  run.settings = settings.dump();
  run.wall_seconds = res.seconds;
  store_eval_run(ds, run);
  if (json) {
    nlohmann::json out = {{"n", res.stats.n}, {"n_valid", res.stats.n_valid}, {"n_hit", res.stats.n_hit},
                          {"hit_rate_all", res.stats.hit_rate_all()}, {"hit_rate_valid", res.stats.hit_rate_valid()},
                          {"valid_ratio", res.stats.valid_ratio()}, {"decode", decode_mode_name(eo.decode)},
                          {"level", level_name(pkg.model.level())}, {"seconds", res.seconds}};
    std::printf("%s\n", out.dump(2).c_str());
  } else {
    std::printf("%s, %s decoding, %s part: %lld sequences\n", level_name(pkg.model.level()), decode_mode_name(eo.decode), part.c_str(),
                (long long)res.stats.n);
    std::printf("  HitRate@1 (all)   %.4f\n  HitRate@1 (valid) %.4f\n  ValidRatio        %.4f\n  %.1f s\n",
                res.stats.hit_rate_all(), res.stats.hit_rate_valid(), res.stats.valid_ratio(), res.seconds);
  }
  return 0;
}

tmf::cli::Register reg(spec, run_eval);

}  // namespace
