#include "bench/table2.h"

#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>

#include "baselines/recommender.h"
#include "data/candidates.h"
#include "data/dataset.h"
#include "eval/eval_runs.h"
#include "llm/device.h"
#include "util/error.h"
#include "util/mean_std.h"
#include "util/strings.h"

namespace tmf {
namespace {
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// Row label of a (kind, decode) pair.
std::string label(const std::string& kind, const std::string& decode) {
  return decode.empty() ? kind : kind + " (" + decode + ")";
}

bool is_llm(const std::string& kind) { return kind == "text-llm" || kind == "tmf" || kind == "llara"; }

double mean(const std::vector<double>& v) { return mean_std(v).first; }
double stdev(const std::vector<double>& v) { return mean_std(v).second; }

int64_t rows_of(const Table2Cell& c) { return c.rows.empty() ? 0 : *c.rows.rbegin(); }
}  // namespace

std::vector<std::string> table2_models() {
  std::vector<std::string> m = recommender_kinds();
  m.push_back("tmf");
  return m;
}

Table2Report run_table2(const std::vector<std::string>& dataset_paths, const Table2Options& o,
                        const Progress& progress) {
  TMF_CHECK(!dataset_paths.empty(), "Table 2 needs one or more datasets");
  TMF_CHECK(!o.seeds.empty(), "Table 2 needs one or more seeds");
  TMF_CHECK(!o.decodes.empty(), "Table 2 needs one or more decoding modes for the LLM models");
  const std::vector<std::string> models = o.models.empty() ? table2_models() : o.models;
  for (auto& m : models) (void)recommender_defaults(m);  // unknown kinds fail before any training
  std::vector<std::string> decodes;
  for (DecodeMode d : o.decodes) decodes.push_back(decode_mode_name(d));
  auto log = [&](const char* fmt, auto... args) {
    if (!o.log) return;
    char line[512];
    std::snprintf(line, sizeof line, fmt, args...);
    o.log(line);
  };

  const auto t_all = Clock::now();
  Table2Report rep;
  rep.seeds = o.seeds;
  rep.split = o.split;
  rep.candidates = o.candidates;
  auto add_row = [&](const std::string& l) {
    if (std::find(rep.rows.begin(), rep.rows.end(), l) == rep.rows.end()) rep.rows.push_back(l);
  };
  for (const auto& path : dataset_paths) {
    Dataset ds = Dataset::open(path);
    const std::string dname = ds.name();
    rep.datasets.push_back(dname);
    const int64_t set_id = candidate_set_id(ds, o.split, o.candidates);
    const std::string work = o.work.empty() ? path + ".bench" : o.work + "/" + fs::path(path).stem().string();
    for (const auto& kind : models) {
      const bool llm = is_llm(kind);
      const std::vector<std::string> kind_decodes = llm ? decodes : std::vector<std::string>{""};
      if (llm || o.threads == 0) init_torch_threads();
      else at::set_num_threads(o.threads);
      const nlohmann::json overrides = o.overrides.count(kind) ? o.overrides.at(kind) : nlohmann::json();
      for (uint64_t seed : o.seeds) {
        // Resume: the stored runs of (kind, candidate set, seed) per decoding mode, made with the
        // same settings (and, for the LLMs, the same number of test rows) as this run's.
        auto rec = make_recommender(kind, overrides);
        std::map<std::string, EvalRun> done;
        if (!o.redo)
          for (auto& r : list_eval_runs(ds, kind)) {
            if (r.candidate_set_id != set_id || r.seed != int64_t(seed) || r.part != "test") continue;
            const auto st = nlohmann::json::parse(r.settings, nullptr, /*allow_exceptions=*/false);
            if (st.is_discarded() || st.value("bench", "") != "quality" ||
                st.value("settings", nlohmann::json()) != rec->settings() ||
                st.value("limit", int64_t(0)) != (llm ? o.llm_limit : 0))
              continue;
            done[r.decode] = r;  // the latest wins
          }
        bool all_done = true;
        for (auto& d : kind_decodes) all_done = all_done && done.count(d);
        if (!all_done) {
          RecTrainOptions to;
          to.split = o.split;
          to.candidates = o.candidates;
          to.seed = seed;
          to.device = o.device;
          to.work_dir = work;
          const auto t0 = Clock::now();
          log("[%s] %s seed %llu: training", dname.c_str(), kind.c_str(), (unsigned long long)seed);
          rec->train(ds, to, progress);
          const double train_s = std::chrono::duration<double>(Clock::now() - t0).count();
          if (!llm) rec->save(work + "/" + kind + "-seed" + std::to_string(seed));
          for (auto& d : kind_decodes) {
            if (done.count(d) && !o.redo) continue;
            RecEvalOptions eo;
            eo.split = o.split;
            eo.candidates = o.candidates;
            eo.decode = d.empty() ? DecodeMode::Free : parse_decode_mode(d);
            if (llm) eo.limit = o.llm_limit;
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
                                          {"split", o.split},
                                          {"candidates", o.candidates},
                                          {"settings", rec->settings()},
                                          {"training", rec->training()},
                                          {"train_seconds", train_s},
                                          {"limit", eo.limit}}
                               .dump();
            run.wall_seconds = train_s + er.seconds;
            store_eval_run(ds, run);
            done[d] = run;
            log("[%s] %s seed %llu: HR@1 %.4f ValidRatio %.4f (%.1f s)", dname.c_str(), label(kind, d).c_str(),
                (unsigned long long)seed, er.stats.hit_rate_all(), er.stats.valid_ratio(), run.wall_seconds);
          }
        }
        for (auto& d : kind_decodes) {
          const EvalRun& r = done.at(d);
          Table2Cell& c = rep.cells[label(kind, d)][dname];
          c.hr.push_back(r.stats.hit_rate_all());
          c.valid.push_back(r.stats.valid_ratio());
          c.seconds += r.wall_seconds;
          c.rows.insert(r.stats.n);
          add_row(label(kind, d));
        }
      }
    }
  }
  rep.wall_seconds = std::chrono::duration<double>(Clock::now() - t_all).count();
  return rep;
}

std::string Table2Report::markdown() const {
  // Best HitRate@1 per dataset in bold, second underlined.
  std::map<std::string, std::pair<double, double>> best2;  // dataset -> (best, second) mean HR@1
  for (auto& dn : datasets) {
    std::vector<double> ms;
    for (auto& rl : rows)
      if (cells.count(rl) && cells.at(rl).count(dn)) ms.push_back(mean(cells.at(rl).at(dn).hr));
    std::sort(ms.rbegin(), ms.rend());
    ms.erase(std::unique(ms.begin(), ms.end()), ms.end());
    best2[dn] = {ms.size() > 0 ? ms[0] : -1, ms.size() > 1 ? ms[1] : -1};
  }
  std::string md = "| Model |";
  std::string sep = "|---|";
  for (auto& dn : datasets) {
    md += " " + dn + " HR@1 | " + dn + " ValidRatio |";
    sep += "---|---|";
  }
  md += "\n" + sep + "\n";
  std::map<std::string, std::map<int64_t, std::vector<std::string>>> rows_by;  // dataset -> rows -> models
  for (auto& rl : rows) {
    md += "| " + rl + " |";
    for (auto& dn : datasets) {
      if (!cells.count(rl) || !cells.at(rl).count(dn)) {
        md += " – | – |";
        continue;
      }
      const Table2Cell& c = cells.at(rl).at(dn);
      const double m = mean(c.hr);
      std::string h = format_mean_std(c.hr);
      if (m == best2[dn].first) h = "**" + h + "**";
      else if (m == best2[dn].second) h = "<u>" + h + "</u>";
      md += " " + h + " | " + format_mean_std(c.valid) + " |";
      rows_by[dn][rows_of(c)].push_back(rl);
    }
    md += "\n";
  }
  // Which test rows each cell covers (the LLM models are evaluated on the first llm_limit rows).
  md += "\nTest rows per seed:";
  for (auto& dn : datasets) {
    md += " " + dn + ":";
    for (auto& [n, models] : rows_by[dn]) md += " " + std::to_string(n) + " (" + join(models, ", ") + ")";
    md += ";";
  }
  char tail[200];
  std::snprintf(tail, sizeof tail, "\nSeeds: %zu; split '%s', candidates '%s'; this invocation's wall time %.1f s.\n",
                seeds.size(), split.c_str(), candidates.c_str(), wall_seconds);
  return md + tail;
}

// 'seconds' is a cell's stored training + evaluation time over its seeds (an LLM's training counts
// in each of its decoding rows; runs may come from earlier invocations).
std::string Table2Report::csv() const {
  std::string csv = "dataset,model,seeds,rows,hr1_mean,hr1_std,valid_ratio_mean,valid_ratio_std,seconds\n";
  for (auto& rl : rows)
    for (auto& dn : datasets) {
      if (!cells.count(rl) || !cells.at(rl).count(dn)) continue;
      const Table2Cell& c = cells.at(rl).at(dn);
      char line[512];
      std::snprintf(line, sizeof line, "%s,%s,%zu,%lld,%.6f,%.6f,%.6f,%.6f,%.1f\n", dn.c_str(), rl.c_str(), c.hr.size(),
                    (long long)rows_of(c), mean(c.hr), stdev(c.hr), mean(c.valid), stdev(c.valid), c.seconds);
      csv += line;
    }
  return csv;
}

nlohmann::json Table2Report::json() const {
  nlohmann::json js = nlohmann::json::array();
  for (auto& rl : rows)
    for (auto& dn : datasets) {
      if (!cells.count(rl) || !cells.at(rl).count(dn)) continue;
      const Table2Cell& c = cells.at(rl).at(dn);
      js.push_back({{"dataset", dn}, {"model", rl}, {"rows", rows_of(c)}, {"hr1", c.hr}, {"valid_ratio", c.valid},
                    {"hr1_mean", mean(c.hr)}, {"hr1_std", stdev(c.hr)}, {"valid_ratio_mean", mean(c.valid)},
                    {"valid_ratio_std", stdev(c.valid)}, {"seconds", c.seconds}});
    }
  return nlohmann::json{{"rows", js}, {"wall_seconds", wall_seconds}, {"seeds", seeds}};
}

}  // namespace tmf
