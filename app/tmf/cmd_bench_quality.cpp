// tmf bench quality: TMF paper Table 2 on any datasets under one protocol. Every model is trained
// on the split's training examples (early stopping on the validation candidates), evaluated on the
// SAME stored test candidate set, over several seeds; each evaluation is stored in the dataset
// (eval_runs: model_kind, seed, candidate set, settings), which also makes the command resumable:
// a (model, dataset, seed) with a stored run is not retrained unless --redo.
// Options: the Spec below (`tmf bench quality --help`).
// Prints Table 2 in Markdown (HitRate@1 over all test rows and ValidRatio, mean ± std over seeds;
// per dataset the best HitRate@1 in bold, the second underlined); --out also writes PREFIX.md,
// PREFIX.csv and PREFIX.json. Models: the baselines of core/baselines (recommender_kinds()) and
// tmf (the full model through the same pipeline; one row per decoding mode).
// --threads: CPU intra-op threads for the ranking models, default 1 (tiny tensors; see cmd_mbht);
// the LLM models use every core.
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "baselines/recommender.h"
#include "cli_progress.h"
#include "command.h"
#include "data/candidates.h"
#include "data/dataset.h"
#include "eval/eval_runs.h"
#include "llm/device.h"
#include "util/error.h"
#include "util/json_file.h"
#include "util/strings.h"

namespace tmf::cli {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

struct Cell {
  std::vector<double> hr, valid;
  std::set<int64_t> rows;  // test rows evaluated per seed (the LLM models: --llm-limit)
  double seconds = 0;      // stored training + evaluation time over the seeds
};

double mean(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return v.empty() ? 0 : s / double(v.size());
}
double stdev(const std::vector<double>& v) {  // sample standard deviation (0 for one seed)
  if (v.size() < 2) return 0;
  const double m = mean(v);
  double s = 0;
  for (double x : v) s += (x - m) * (x - m);
  return std::sqrt(s / double(v.size() - 1));
}

std::string fmt(double m, double s) {
  char b[64];
  std::snprintf(b, sizeof b, "%.4f ± %.4f", m, s);
  return b;
}

// Row label of a (kind, decode) pair.
std::string label(const std::string& kind, const std::string& decode) {
  return decode.empty() ? kind : kind + " (" + decode + ")";
}

std::string every_model() {
  std::string s;
  for (const auto& k : recommender_kinds()) s += k + ",";
  return s + "tmf";
}

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
  std::string models_arg = a.opt("models").value_or("");
  const int64_t n_seeds = a.get_int("seeds");
  const std::string seed_list = a.opt("seed-list").value_or("");
  const std::string split = a.get("split"), cands = a.get("candidates");
  const std::string work_arg = a.opt("work").value_or("");
  const std::vector<std::string> sets = a.all("set");
  const std::string tmf_preset = a.get("tmf-preset");
  const int64_t tmf_steps = a.get_int("tmf-steps"), tmf_backbone = a.get_int("tmf-backbone-steps");
  const std::string tmf_decode = a.get("tmf-decode");
  const int64_t llm_limit = a.get_int("llm-limit");
  const std::string device = resolve_device(a.get("device"));
  const int threads = int(a.get_int("threads"));
  const std::string out = a.opt("out").value_or("");
  const bool redo = a.flag("redo"), quiet = a.flag("quiet");
  for (auto& p : a.positionals()) datasets.push_back(p);  // after every option is consumed
  if (datasets.empty()) throw UsageError("tmf bench quality needs one or more --dataset FILE");

  std::vector<std::string> models;
  if (models_arg.empty()) {
    models = recommender_kinds();
    models.push_back("tmf");
  } else {
    for (auto& m : tmf::split(models_arg, ',')) models.push_back(std::string(trim(m)));
  }
  for (auto& m : models) (void)recommender_defaults(m);  // unknown kinds fail before any training
  std::vector<uint64_t> seeds;
  if (!seed_list.empty()) {
    for (auto& s : tmf::split(seed_list, ',')) {
      long long v = 0;
      if (!parse_int64(trim(s), v) || v < 0)
        throw UsageError("--seed-list wants comma-separated non-negative integers, not '" + seed_list + "'");
      seeds.push_back(uint64_t(v));
    }
  } else {
    for (int64_t s = 0; s < n_seeds; ++s) seeds.push_back(uint64_t(s));
  }
  std::vector<std::string> decodes;
  for (auto& d : tmf::split(tmf_decode, ',')) decodes.push_back(decode_mode_name(parse_decode_mode(std::string(trim(d)))));

  // --set kind.key=value (value parsed as JSON, else taken as a string).
  std::map<std::string, nlohmann::json> overrides;
  for (const auto& s : sets) {
    const auto dot = s.find('.'), eq = s.find('=');
    TMF_CHECK(dot != std::string::npos && eq != std::string::npos && dot < eq, "--set expects kind.key=value, got '",
              s, "'");
    const std::string kind = s.substr(0, dot), key = s.substr(dot + 1, eq - dot - 1), val = s.substr(eq + 1);
    overrides[kind][key] = parse_setting_value(val, "--set " + kind + "." + key);
  }
  for (const std::string kind : {"text-llm", "tmf", "llara"}) {
    overrides[kind]["preset"] = tmf_preset;
    if (tmf_steps > 0) overrides[kind]["tune_steps"] = tmf_steps;
    if (tmf_backbone > 0) overrides[kind]["backbone_steps"] = tmf_backbone;
  }

  const auto t_all = Clock::now();
  Progress progress = terminal_progress(quiet);
  std::vector<std::string> ds_names;
  std::map<std::string, std::map<std::string, Cell>> table;  // row label -> dataset name -> cell
  std::vector<std::string> row_order;
  auto add_row = [&](const std::string& l) {
    if (std::find(row_order.begin(), row_order.end(), l) == row_order.end()) row_order.push_back(l);
  };
  for (const auto& path : datasets) {
    Dataset ds = Dataset::open(path);
    const std::string dname = ds.name();
    ds_names.push_back(dname);
    const int64_t set_id = candidate_set_id(ds, split, cands);
    const std::string work = work_arg.empty() ? path + ".bench" : work_arg + "/" + fs::path(path).stem().string();
    for (const auto& kind : models) {
      const bool llm = kind == "text-llm" || kind == "tmf" || kind == "llara";
      const std::vector<std::string> kind_decodes = llm ? decodes : std::vector<std::string>{""};
      if (llm) init_torch_threads();
      else if (threads == 0) init_torch_threads();
      else at::set_num_threads(threads);
      for (uint64_t seed : seeds) {
        // Resume: the stored runs of (kind, candidate set, seed) per decoding mode, made with the
        // same settings (and, for the LLMs, the same number of test rows) as this invocation's.
        auto rec = make_recommender(kind, overrides.count(kind) ? overrides[kind] : nlohmann::json());
        std::map<std::string, EvalRun> done;
        if (!redo)
          for (auto& r : list_eval_runs(ds, kind)) {
            if (r.candidate_set_id != set_id || r.seed != int64_t(seed) || r.part != "test") continue;
            const auto st = nlohmann::json::parse(r.settings, nullptr, /*allow_exceptions=*/false);
            if (st.is_discarded() || st.value("bench", "") != "quality" || st.value("settings", nlohmann::json()) != rec->settings() ||
                st.value("limit", int64_t(0)) != (llm ? llm_limit : 0))
              continue;
            done[r.decode] = r;  // the latest wins
          }
        bool all_done = true;
        for (auto& d : kind_decodes) all_done = all_done && done.count(d);
        if (!all_done) {
          RecTrainOptions to;
          to.split = split;
          to.candidates = cands;
          to.seed = seed;
          to.device = device;
          to.work_dir = work;
          const auto t0 = Clock::now();
          std::fprintf(stderr, "[%s] %s seed %llu: training\n", dname.c_str(), kind.c_str(), (unsigned long long)seed);
          rec->train(ds, to, progress);
          const double train_s = std::chrono::duration<double>(Clock::now() - t0).count();
          if (!llm) rec->save(work + "/" + kind + "-seed" + std::to_string(seed));
          for (auto& d : kind_decodes) {
            if (done.count(d) && !redo) continue;
            RecEvalOptions eo;
            eo.split = split;
            eo.candidates = cands;
            eo.decode = parse_decode_mode(d.empty() ? "free" : d);
            if (llm) eo.limit = llm_limit;
            RecEvalResult er = rec->evaluate(ds, eo, progress);
            EvalRun run;
            run.model_name = kind + "-seed" + std::to_string(seed);
            run.model_kind = kind;
            run.model_hash = rec->model_hash();
            run.level = kind == "tmf" ? "cma" : kind == "text-llm" ? "text" : "";  // llara: its own prompts
            run.candidate_set_id = set_id;
            run.part = "test";
            run.decode = d;
            run.seed = int64_t(seed);
            run.stats = er.stats;
            run.settings = nlohmann::json{{"bench", "quality"},
                                          {"split", split},
                                          {"candidates", cands},
                                          {"settings", rec->settings()},
                                          {"training", rec->training()},
                                          {"train_seconds", train_s},
                                          {"limit", eo.limit}}
                               .dump();
            run.wall_seconds = train_s + er.seconds;
            store_eval_run(ds, run);
            done[d] = run;
            std::fprintf(stderr, "[%s] %s seed %llu: HR@1 %.4f ValidRatio %.4f (%.1f s)\n", dname.c_str(),
                         label(kind, d).c_str(), (unsigned long long)seed, er.stats.hit_rate_all(),
                         er.stats.valid_ratio(), run.wall_seconds);
          }
        }
        for (auto& d : kind_decodes) {
          const EvalRun& r = done.at(d);
          Cell& c = table[label(kind, d)][dname];
          c.hr.push_back(r.stats.hit_rate_all());
          c.valid.push_back(r.stats.valid_ratio());
          c.seconds += r.wall_seconds;
          c.rows.insert(r.stats.n);
          add_row(label(kind, d));
        }
      }
    }
  }
  const double wall = std::chrono::duration<double>(Clock::now() - t_all).count();

  // Markdown: best HitRate@1 per dataset in bold, second underlined.
  std::map<std::string, std::pair<double, double>> best2;  // dataset -> (best, second) mean HR@1
  for (auto& dn : ds_names) {
    std::vector<double> ms;
    for (auto& rl : row_order)
      if (table[rl].count(dn)) ms.push_back(mean(table[rl][dn].hr));
    std::sort(ms.rbegin(), ms.rend());
    ms.erase(std::unique(ms.begin(), ms.end()), ms.end());
    best2[dn] = {ms.size() > 0 ? ms[0] : -1, ms.size() > 1 ? ms[1] : -1};
  }
  std::string md = "| Model |";
  std::string sep = "|---|";
  for (auto& dn : ds_names) {
    md += " " + dn + " HR@1 | " + dn + " ValidRatio |";
    sep += "---|---|";
  }
  md += "\n" + sep + "\n";
  nlohmann::json js = nlohmann::json::array();
  std::string csv = "dataset,model,seeds,rows,hr1_mean,hr1_std,valid_ratio_mean,valid_ratio_std,seconds\n";
  std::map<std::string, std::map<int64_t, std::vector<std::string>>> rows_of;  // dataset -> rows -> models
  for (auto& rl : row_order) {
    md += "| " + rl + " |";
    for (auto& dn : ds_names) {
      if (!table[rl].count(dn)) {
        md += " – | – |";
        continue;
      }
      const Cell& c = table[rl][dn];
      const double m = mean(c.hr);
      std::string h = fmt(m, stdev(c.hr));
      if (m == best2[dn].first) h = "**" + h + "**";
      else if (m == best2[dn].second) h = "<u>" + h + "</u>";
      md += " " + h + " | " + fmt(mean(c.valid), stdev(c.valid)) + " |";
      char line[512];
      const int64_t rows = c.rows.empty() ? 0 : *c.rows.rbegin();
      rows_of[dn][rows].push_back(rl);
      std::snprintf(line, sizeof line, "%s,%s,%zu,%lld,%.6f,%.6f,%.6f,%.6f,%.1f\n", dn.c_str(), rl.c_str(), c.hr.size(),
                    (long long)rows, m, stdev(c.hr), mean(c.valid), stdev(c.valid), c.seconds);
      csv += line;
      js.push_back({{"dataset", dn}, {"model", rl}, {"rows", rows}, {"hr1", c.hr}, {"valid_ratio", c.valid},
                    {"hr1_mean", m}, {"hr1_std", stdev(c.hr)}, {"valid_ratio_mean", mean(c.valid)},
                    {"valid_ratio_std", stdev(c.valid)}, {"seconds", c.seconds}});
    }
    md += "\n";
  }
  // Which test rows each cell covers (the LLM models are evaluated on the first --llm-limit rows).
  // The CSV/JSON 'seconds' is a cell's stored training + evaluation time over its seeds (an LLM's
  // training counts in each of its decoding rows; runs may come from earlier invocations).
  md += "\nTest rows per seed:";
  for (auto& dn : ds_names) {
    md += " " + dn + ":";
    for (auto& [rows, models] : rows_of[dn]) md += " " + std::to_string(rows) + " (" + join(models, ", ") + ")";
    md += ";";
  }
  char tail[200];
  std::snprintf(tail, sizeof tail, "\nSeeds: %zu; split '%s', candidates '%s'; this invocation's wall time %.1f s.\n",
                seeds.size(), split.c_str(), cands.c_str(), wall);
  md += tail;
  std::printf("%s", md.c_str());
  if (!out.empty()) {
    auto write = [](const std::string& p, const std::string& text) {
      std::ofstream f(p, std::ios::binary | std::ios::trunc);
      TMF_CHECK(f, "cannot write ", p);
      f << text;
    };
    write(out + ".md", md);
    write(out + ".csv", csv);
    write(out + ".json", nlohmann::json{{"rows", js}, {"wall_seconds", wall}, {"seeds", seeds}}.dump(2) + "\n");
    std::printf("wrote %s.md, %s.csv, %s.json\n", out.c_str(), out.c_str(), out.c_str());
  }
  return 0;
}

Register reg(spec, bench_quality);

}  // namespace
}  // namespace tmf::cli
