#include "bench/model_bench.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <set>

#include "baselines/recommender.h"
#include "data/candidates.h"
#include "data/dataset.h"
#include "eval/eval_runs.h"
#include "util/error.h"
#include "util/json_file.h"
#include "util/mean_std.h"
#include "util/strings.h"

namespace tmf {
namespace fs = std::filesystem;

namespace {

std::string fmt(const std::vector<double>& v, int digits = 4) { return format_mean_std(v, digits); }

std::string num(double x) {
  char b[32];
  std::snprintf(b, sizeof b, "%.4f", x);
  return b;
}

// A baseline spec is KIND or KIND:key=value:key=value (settings over the kind's defaults).
struct BaselineSpec {
  std::string kind;
  nlohmann::json overrides = nlohmann::json::object();
};

BaselineSpec parse_baseline_spec(const std::string& spec) {
  BaselineSpec b;
  const auto parts = split(spec, ':');
  b.kind = std::string(trim(parts.at(0)));
  TMF_CHECK(!b.kind.empty(), "baseline '", spec, "': no kind before ':'");
  for (size_t i = 1; i < parts.size(); ++i) {
    const std::string kv(trim(parts[i]));
    const auto eq = kv.find('=');
    TMF_CHECK(eq != std::string::npos && eq > 0, "baseline '", spec, "': '", kv, "' is not key=value");
    b.overrides[kv.substr(0, eq)] = parse_setting_value(kv.substr(eq + 1), "baseline '" + spec + "'");
  }
  return b;
}

std::string kind_label(const std::string& spec) {
  static const std::map<std::string, const char*> k = {{"pop", "MostPop"},   {"mbht", "MBHT"},     {"sasrec", "SASRec"},
                                                       {"gru4rec", "GRU4Rec"}, {"bert4rec", "BERT4Rec"}, {"mbgcn", "MBGCN"},
                                                       {"mbrec", "MBRec"}};
  const BaselineSpec b = parse_baseline_spec(spec);
  auto it = k.find(b.kind);
  std::string label = it == k.end() ? b.kind : it->second;
  if (!b.overrides.empty()) {
    std::string set;
    for (auto& [key, v] : b.overrides.items()) set += (set.empty() ? "" : ", ") + key + "=" + v.dump();
    label += " (" + set + ")";
  }
  return label;
}

// The folder name of a spec: its characters outside [A-Za-z0-9._-] become '_'.
std::string spec_folder(const std::string& spec) {
  std::string out = spec;
  for (char& c : out)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-')) c = '_';
  return out;
}

// HitRate@1 (over all rows) and ValidRatio of one (level, decode) over the seeds.
struct Series {
  std::vector<double> hr, valid;
  bool empty() const { return hr.empty(); }
  double mean_hr() const { return mean_std(hr).first; }
  double mean_valid() const { return mean_std(valid).first; }
};

Series series(const AblationReport& r, AblationLevel level, DecodeMode d) {
  Series s;
  for (const auto& c : r.cells)
    if (c.level == level && c.decode == d) {
      s.hr.push_back(c.stats.hit_rate_all());
      s.valid.push_back(c.stats.valid_ratio());
    }
  return s;
}

Series baseline_series(const DatasetBench& d, const std::string& kind) {
  Series s;
  for (const auto& b : d.baselines)
    if (b.kind == kind) {
      s.hr.push_back(b.stats.hit_rate_all());
      s.valid.push_back(b.stats.valid_ratio());
    }
  return s;
}

std::vector<DecodeMode> decodes_of(const AblationReport& r) {
  std::vector<DecodeMode> out;
  for (const auto& c : r.cells)
    if (std::find(out.begin(), out.end(), c.decode) == out.end()) out.push_back(c.decode);
  return out;
}

std::vector<std::string> baseline_kinds(const DatasetBench& d) {
  std::vector<std::string> out;
  for (const auto& b : d.baselines)
    if (std::find(out.begin(), out.end(), b.kind) == out.end()) out.push_back(b.kind);
  return out;
}

// One baseline on one seed: trained and evaluated, or read back from its folder's result.json.
BaselineCell run_baseline(Dataset& ds, const std::string& kind, uint64_t seed, const std::string& dir,
                          const ModelBenchOptions& o, const Progress& progress) {
  BaselineCell cell;
  cell.kind = kind;
  cell.seed = seed;
  const std::string result = dir + "/result.json";
  const int64_t set_id = candidate_set_id(ds, o.ablation.pipeline.split, o.ablation.candidates);
  if (!o.redo && fs::exists(result)) {
    auto j = read_json_file(result);
    if (j.value("candidate_set_id", int64_t(-1)) == set_id && j.value("part", "") == o.ablation.part) {
      cell.stats.n = j.at("n");
      cell.stats.n_valid = j.at("n_valid");
      cell.stats.n_hit = j.at("n_hit");
      cell.seconds = j.at("seconds");
      return cell;
    }
  }
  const auto t0 = std::chrono::steady_clock::now();
  const BaselineSpec spec = parse_baseline_spec(kind);
  auto rec = make_recommender(spec.kind, spec.overrides);
  RecTrainOptions to;
  to.split = o.ablation.pipeline.split;
  to.candidates = o.ablation.candidates;
  to.seed = seed;
  to.device = o.ablation.pipeline.device;
  to.work_dir = dir + ".work";
  rec->train(ds, to, progress);
  RecEvalOptions eo;
  eo.split = to.split;
  eo.candidates = to.candidates;
  eo.part = o.ablation.part;
  eo.limit = o.ablation.limit;
  RecEvalResult er = rec->evaluate(ds, eo, progress);
  cell.stats = er.stats;
  cell.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  rec->save(dir);
  EvalRun run;
  run.model_name = dir;
  run.model_kind = spec.kind;
  run.model_hash = rec->model_hash();
  run.candidate_set_id = set_id;
  run.part = o.ablation.part;
  run.seed = int64_t(seed);
  run.stats = er.stats;
  run.settings = nlohmann::json{{"bench", "model"}, {"settings", rec->settings()}, {"limit", o.ablation.limit}}.dump();
  run.wall_seconds = cell.seconds;
  store_eval_run(ds, run);
  write_json_atomically(result, nlohmann::json{{"candidate_set_id", set_id},
                                               {"part", o.ablation.part},
                                               {"n", cell.stats.n},
                                               {"n_valid", cell.stats.n_valid},
                                               {"n_hit", cell.stats.n_hit},
                                               {"seconds", cell.seconds}});
  return cell;
}

}  // namespace

ModelBenchReport run_model_bench(const std::vector<std::string>& paths, const ModelBenchOptions& o,
                                 const Progress& progress) {
  TMF_CHECK(!paths.empty(), "the model benchmark needs at least one dataset");
  TMF_CHECK(!o.work.empty(), "the model benchmark needs a work folder");
  for (const auto& b : o.baselines) {  // a bad kind or setting fails now, not after hours of training
    const BaselineSpec spec = parse_baseline_spec(b);
    make_recommender(spec.kind, spec.overrides);
  }
  ModelBenchReport rep;
  for (const auto& path : paths) {
    Dataset ds = Dataset::open(path);
    DatasetBench d;
    d.name = ds.name();
    d.path = path;
    const std::string root = o.work + "/" + fs::path(path).stem().string();
    fs::create_directories(root);
    for (const auto& kind : o.baselines)
      for (uint64_t seed : o.ablation.seeds) {
        Progress sub{[&](const ProgressEvent& e) {
                       if (progress.callback)
                         progress.callback(ProgressEvent{d.name + " " + kind + " seed " + std::to_string(seed) + " " + e.stage,
                                                         e.done, e.total, e.message});
                     },
                     progress.cancel};
        d.baselines.push_back(run_baseline(ds, kind, seed, root + "/" + spec_folder(kind) + "-seed-" + std::to_string(seed), o, sub));
      }
    AblationOptions ao = o.ablation;
    ao.redo = o.redo;
    d.ladder = run_ablation(ds, root + "/tmf", ao, progress);
    rep.datasets.push_back(std::move(d));
  }
  return rep;
}

std::vector<BenchCheck> ModelBenchReport::checks() const {
  std::vector<BenchCheck> out;
  for (const auto& d : datasets) {
    const auto decodes = decodes_of(d.ladder);
    const bool has_constrained = std::find(decodes.begin(), decodes.end(), DecodeMode::Constrained) != decodes.end();
    const bool has_free = std::find(decodes.begin(), decodes.end(), DecodeMode::Free) != decodes.end();
    const Series full_c = series(d.ladder, AblationLevel::Cma, DecodeMode::Constrained);
    const Series full_f = series(d.ladder, AblationLevel::Cma, DecodeMode::Free);
    if (has_constrained && !full_c.empty())
      for (const auto& kind : baseline_kinds(d)) {
        const Series b = baseline_series(d, kind);
        out.push_back({d.name, std::string("full TMF (constrained) beats ") + kind_label(kind), full_c.mean_hr() > b.mean_hr(),
                       num(full_c.mean_hr()) + " vs " + num(b.mean_hr())});
      }
    if (has_free && !full_f.empty()) {
      out.push_back({d.name, "free decoding: ValidRatio >= 0.95", full_f.mean_valid() >= 0.95, num(full_f.mean_valid())});
      // Against the strongest MBHT row (the published settings or a variant of them).
      Series mbht;
      for (const auto& kind : baseline_kinds(d))
        if (parse_baseline_spec(kind).kind == "mbht") {
          const Series s = baseline_series(d, kind);
          if (mbht.empty() || s.mean_hr() > mbht.mean_hr()) mbht = s;
        }
      if (!mbht.empty())
        out.push_back({d.name, "free decoding: HitRate@1 above MBHT", full_f.mean_hr() > mbht.mean_hr(),
                       num(full_f.mean_hr()) + " vs " + num(mbht.mean_hr())});
    }
    for (DecodeMode dm : decodes) {
      std::vector<std::pair<AblationLevel, double>> steps;
      for (AblationLevel l : {AblationLevel::Text, AblationLevel::Behavior, AblationLevel::Amsa, AblationLevel::Cma}) {
        const Series s = series(d.ladder, l, dm);
        if (!s.empty()) steps.emplace_back(l, s.mean_hr());
      }
      if (steps.size() < 2) continue;
      bool rises = true;
      std::string detail;
      for (size_t i = 0; i < steps.size(); ++i) {
        detail += (i ? " → " : "") + num(steps[i].second);
        if (i && !(steps[i].second > steps[i - 1].second)) rises = false;
      }
      out.push_back({d.name, std::string("ladder rises at every step (") + decode_mode_name(dm) + ")", rises, detail});
    }
  }
  return out;
}

std::string ModelBenchReport::markdown() const {
  std::string md;
  for (const auto& d : datasets) {
    const int64_t rows = d.ladder.cells.empty() ? (d.baselines.empty() ? 0 : d.baselines[0].stats.n) : d.ladder.cells[0].stats.n;
    std::set<uint64_t> seeds;
    for (const auto& c : d.ladder.cells) seeds.insert(c.seed);
    md += "### " + d.name + " (" + std::to_string(rows) + " rows, " + std::to_string(seeds.size()) + " training seed(s))\n\n";
    md += "| model | HitRate@1 | ValidRatio |\n|---|---|---|\n";
    for (const auto& kind : baseline_kinds(d)) {
      const Series s = baseline_series(d, kind);
      md += std::string("| ") + kind_label(kind) + " | " + fmt(s.hr) + " | " + fmt(s.valid, 3) + " |\n";
    }
    for (DecodeMode dm : decodes_of(d.ladder)) {
      const Series s = series(d.ladder, AblationLevel::Cma, dm);
      if (s.empty()) continue;
      md += std::string("| TMF (") + decode_mode_name(dm) + ") | " + fmt(s.hr) + " | " + fmt(s.valid, 3) + " |\n";
    }
    md += "\nTable 3 ladder:\n\n" + d.ladder.markdown() + "\n";
  }
  md += "| dataset | check | result | numbers (means over seeds) |\n|---|---|---|---|\n";
  for (const auto& c : checks()) md += "| " + c.dataset + " | " + c.what + " | " + (c.pass ? "pass" : "**FAIL**") + " | " + c.detail + " |\n";
  return md;
}

nlohmann::json ModelBenchReport::json() const {
  nlohmann::json j = nlohmann::json::array();
  for (const auto& d : datasets) {
    nlohmann::json cells = nlohmann::json::array();
    for (const auto& c : d.ladder.cells)
      cells.push_back({{"level", level_name(c.level)}, {"seed", c.seed}, {"decode", decode_mode_name(c.decode)},
                       {"n", c.stats.n}, {"n_valid", c.stats.n_valid}, {"n_hit", c.stats.n_hit},
                       {"hit_rate_all", c.stats.hit_rate_all()}, {"valid_ratio", c.stats.valid_ratio()},
                       {"train_seconds", c.train_seconds}, {"eval_seconds", c.eval_seconds}});
    nlohmann::json base = nlohmann::json::array();
    for (const auto& b : d.baselines)
      base.push_back({{"kind", b.kind}, {"seed", b.seed}, {"n", b.stats.n}, {"n_hit", b.stats.n_hit},
                      {"hit_rate_all", b.stats.hit_rate_all()}, {"seconds", b.seconds}});
    j.push_back({{"dataset", d.name}, {"path", d.path}, {"tmf", cells}, {"baselines", base}});
  }
  nlohmann::json checks_j = nlohmann::json::array();
  for (const auto& c : checks())
    checks_j.push_back({{"dataset", c.dataset}, {"check", c.what}, {"pass", c.pass}, {"detail", c.detail}});
  return {{"datasets", j}, {"checks", checks_j}};
}

}  // namespace tmf
