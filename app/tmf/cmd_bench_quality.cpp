// tmf bench quality: TMF paper Table 2 on any datasets under one protocol (core/bench/table2.h
// runs it and renders it). Options: the Spec below (`tmf bench quality --help`). Prints Table 2 in
// Markdown; --out also writes PREFIX.md, PREFIX.csv and PREFIX.json.
#include <cstdio>
#include <fstream>

#include <nlohmann/json.hpp>

#include "bench/table2.h"
#include "cli_progress.h"
#include "command.h"
#include "llm/device.h"
#include "util/error.h"
#include "util/json_file.h"
#include "util/strings.h"

namespace tmf::cli {
namespace {

std::string every_model() { return join(table2_models(), ","); }

const Spec spec =
    Spec("bench quality", "Table 2: train and evaluate every baseline and TMF on stored candidate sets")
        .describe(
            "Every model is trained on the split's training examples (early stopping on the validation "
            "candidates) and evaluated on the same stored test candidate set over several seeds. Each evaluation "
            "is stored in the dataset, which makes the command resumable: a (model, dataset, seed) with a stored "
            "run is not retrained unless --redo. Prints Table 2 in Markdown (HitRate@1 over all test rows and "
            "ValidRatio, mean +- std over seeds; per dataset the best in bold, the second underlined).")
        .repeated("dataset", "FILE", "dataset file (.tmfdb); also accepted as positional arguments")
        .text("models", "LIST", "", "comma-separated models; tmf gives one row per decoding mode")
        .computed_default(every_model())
        .integer("seeds", "3", 1, 1000000, "number of seeds (0, 1, ... N-1)")
        .text("seed-list", "LIST", "", "comma-separated seeds instead of --seeds")
        .text("split", "NAME", "default", "the dataset's split")
        .text("candidates", "NAME", "default", "the stored candidate set")
        .text("work", "DIR", "", "folder for trained models")
        .computed_default("FILE.bench beside each dataset; with --work, DIR/<dataset name>")
        .repeated("set", "KIND.KEY=VALUE", "override a model setting (VALUE as JSON, else a string)")
        .choice("tmf-preset", {"default", "demo", "tiny"}, "default", "training recipe of the LLM models (tmf, llara, text-llm)")
        .integer("tmf-steps", "0", 0, 1LL << 40, "tuning steps of the LLM models (0: the preset's)")
        .integer("tmf-backbone-steps", "0", 0, 1LL << 40, "backbone warm-up steps of the LLM models (0: the preset's)")
        .text("tmf-decode", "LIST", "constrained,free", std::string("comma-separated TMF decoding modes (") + kDecodeModesHelp + ")")
        .integer("llm-limit", "0", 0, 1LL << 40, "evaluate the LLM models on the first N test rows only (0: all)")
        .device("cpu")
        .integer("threads", "1", 1, 4096,
                 "CPU intra-op threads of the ranking models (tiny tensors: 1 is fastest); the LLM models use every "
                 "core")
        .text("out", "PREFIX", "", "also write PREFIX.md, PREFIX.csv and PREFIX.json")
        .flag("redo", "retrain models that have a stored run")
        .flag("quiet", "no progress output")
        .positionals("FILE...", 0, 1000, "more dataset files")
        .example("tmf bench quality --models pop,mbht,sasrec --seeds 3 data/worlds/demo/pets.tmfdb")
        .example("tmf bench quality --dataset pets.tmfdb --models tmf --tmf-preset tiny --llm-limit 50 --out table2");

int bench_quality(Args& a) {
  std::vector<std::string> datasets = a.all("dataset");
  const std::string models_arg = a.opt("models").value_or("");
  const int64_t n_seeds = a.get_int("seeds");
  const std::string seed_list = a.opt("seed-list").value_or("");
  Table2Options o;
  o.split = a.get("split");
  o.candidates = a.get("candidates");
  o.work = a.opt("work").value_or("");
  const std::vector<std::string> sets = a.all("set");
  const std::string tmf_preset = a.get("tmf-preset");
  const int64_t tmf_steps = a.get_int("tmf-steps"), tmf_backbone = a.get_int("tmf-backbone-steps");
  const std::string tmf_decode = a.get("tmf-decode");
  o.llm_limit = a.get_int("llm-limit");
  o.device = resolve_device(a.get("device"));
  o.threads = int(a.get_int("threads"));
  const std::string out = a.opt("out").value_or("");
  o.redo = a.flag("redo");
  const bool quiet = a.flag("quiet");
  for (auto& p : a.positionals()) datasets.push_back(p);  // after every option is consumed
  if (datasets.empty()) throw UsageError("tmf bench quality needs one or more --dataset FILE");

  if (!models_arg.empty())
    for (auto& m : tmf::split(models_arg, ',')) o.models.push_back(std::string(trim(m)));
  if (!seed_list.empty()) {
    o.seeds.clear();
    for (auto& s : tmf::split(seed_list, ',')) {
      long long v = 0;
      if (!parse_int64(trim(s), v) || v < 0)
        throw UsageError("--seed-list wants comma-separated non-negative integers, not '" + seed_list + "'");
      o.seeds.push_back(uint64_t(v));
    }
  } else {
    o.seeds.clear();
    for (int64_t s = 0; s < n_seeds; ++s) o.seeds.push_back(uint64_t(s));
  }
  o.decodes = parse_decode_modes(tmf_decode);

  // --set kind.key=value (value parsed as JSON, else taken as a string).
  for (const auto& s : sets) {
    const auto dot = s.find('.'), eq = s.find('=');
    TMF_CHECK(dot != std::string::npos && eq != std::string::npos && dot < eq, "--set expects kind.key=value, got '",
              s, "'");
    const std::string kind = s.substr(0, dot), key = s.substr(dot + 1, eq - dot - 1), val = s.substr(eq + 1);
    o.overrides[kind][key] = parse_setting_value(val, "--set " + kind + "." + key);
  }
  for (const std::string kind : {"text-llm", "tmf", "llara"}) {
    o.overrides[kind]["preset"] = tmf_preset;
    if (tmf_steps > 0) o.overrides[kind]["tune_steps"] = tmf_steps;
    if (tmf_backbone > 0) o.overrides[kind]["backbone_steps"] = tmf_backbone;
  }
  o.log = [](const std::string& line) { std::fprintf(stderr, "%s\n", line.c_str()); };

  const Table2Report rep = run_table2(datasets, o, terminal_progress(quiet));
  const std::string md = rep.markdown();
  std::printf("%s", md.c_str());
  if (!out.empty()) {
    auto write = [](const std::string& p, const std::string& text) {
      std::ofstream f(p, std::ios::binary | std::ios::trunc);
      TMF_CHECK(f, "cannot write ", p);
      f << text;
    };
    write(out + ".md", md);
    write(out + ".csv", rep.csv());
    write(out + ".json", rep.json().dump(2) + "\n");
    std::printf("wrote %s.md, %s.csv, %s.json\n", out.c_str(), out.c_str(), out.c_str());
  }
  return 0;
}

Register reg(spec, bench_quality);

}  // namespace
}  // namespace tmf::cli
