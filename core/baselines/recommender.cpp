// The Recommender registry: kinds, defaults, creation and loading; the default (ranking) evaluation.
#include "baselines/recommender.h"

#include <chrono>
#include <filesystem>

#include "baselines/llara.h"
#include "baselines/mbht_baseline.h"
#include "baselines/model_files.h"
#include "baselines/most_pop.h"
#include "baselines/ranking_recommender.h"
#include "baselines/text_llm.h"
#include "data/candidates.h"
#include "graph/mbht_rank.h"
#include "tmf/package_manifest.h"
#include "util/error.h"
#include "util/json_file.h"

namespace tmf {

namespace fs = std::filesystem;

const std::vector<std::string>& recommender_kinds() {
  static const std::vector<std::string> k = {"pop", "gru4rec", "sasrec", "bert4rec", "mbgcn", "mbrec", "mbht", "llara", "text-llm"};
  return k;
}

bool is_ranking_kind(const std::string& kind) {
  return kind == "pop" || kind == "gru4rec" || kind == "sasrec" || kind == "bert4rec" || kind == "mbgcn" || kind == "mbrec" ||
         kind == "mbht";
}

nlohmann::json merge_settings(const nlohmann::json& defaults, const nlohmann::json& overrides, const std::string& kind) {
  nlohmann::json out = defaults;
  if (overrides.is_null()) return out;
  TMF_CHECK(overrides.is_object(), kind, ": settings must be a JSON object, got ", overrides.dump());
  for (auto& [k, v] : overrides.items()) {
    TMF_CHECK(defaults.contains(k), kind, ": unknown setting '", k, "' (known: ", [&] {
      std::string s;
      for (auto& [dk, dv] : defaults.items()) s += (s.empty() ? "" : ", ") + dk;
      return s;
    }(), ")");
    TMF_CHECK(v.type() == defaults[k].type() || (v.is_number() && defaults[k].is_number()), kind, ": setting '", k,
              "' should be like ", defaults[k].dump(), ", got ", v.dump());
    out[k] = v;
  }
  return out;
}

nlohmann::json recommender_defaults(const std::string& kind) {
  if (kind == "pop") return most_pop_defaults();
  if (kind == "mbht") return mbht_baseline_defaults();
  if (kind == "text-llm" || kind == "tmf") return pipeline_llm_defaults();
  if (kind == "llara") return llara_defaults();
  return ranking_defaults(kind);  // fails naming the kinds for an unknown one
}

std::unique_ptr<Recommender> make_recommender(const std::string& kind, const nlohmann::json& overrides) {
  if (kind == "pop") return std::make_unique<MostPopRecommender>(overrides);
  if (kind == "mbht") return std::make_unique<MbhtRecommender>(overrides);
  if (kind == "text-llm" || kind == "tmf") return std::make_unique<PipelineLlmRecommender>(kind, overrides);
  if (kind == "llara") return std::make_unique<LlaraRecommender>(overrides);
  if (kind == "gru4rec" || kind == "sasrec" || kind == "bert4rec" || kind == "mbgcn" || kind == "mbrec")
    return std::make_unique<RankingRecommender>(kind, overrides);
  std::string known;
  for (const auto& k : recommender_kinds()) known += (known.empty() ? "" : ", ") + k;
  fail("unknown recommender '", kind, "' (known: ", known, ")");
}

std::unique_ptr<Recommender> load_recommender(const std::string& dir, Dataset& ds) {
  // A TMF package (text-llm, tmf) has tmf.json with its ablation level; the others config.json.
  std::string kind;
  if (fs::exists(dir + "/tmf.json")) {
    kind = read_package_manifest(dir).level == "text" ? "text-llm" : "tmf";
  } else {
    kind = read_json_file(dir + "/config.json").value("model", "");
  }
  TMF_CHECK(!kind.empty(), dir, "/config.json names no model kind");
  auto r = make_recommender(kind);
  r->load(dir, ds);
  return r;
}

RecEvalResult Recommender::evaluate(const Dataset& ds, const RecEvalOptions& o, const Progress& progress) {
  const auto t0 = std::chrono::steady_clock::now();
  const EvaluationRows rows = load_evaluation_rows(ds, o.split, o.candidates, o.part, o.limit);
  const size_t n = rows.size();
  RecEvalResult res;
  const size_t batch = 256;
  for (size_t at = 0; at < n; at += batch) {
    const size_t end = std::min(n, at + batch);
    std::vector<const SplitRow*> rs;
    std::vector<std::vector<int64_t>> cs;
    for (size_t i = at; i < end; ++i) {
      rs.push_back(&rows.rows[i]);
      cs.push_back(rows.candidates[i].items);
    }
    auto scores = score(rs, cs);
    for (size_t i = at; i < end; ++i) {
      res.stats.n++;
      res.stats.n_valid++;  // a ranking always names exactly one candidate
      res.stats.n_hit += is_rank_hit(scores[i - at], rows.candidates[i].truth_pos);
    }
    progress.report("eval:" + kind(), double(end), double(n));
  }
  res.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return res;
}

}  // namespace tmf
