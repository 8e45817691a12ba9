#include "eval/eval_runs.h"

#include "data/dataset.h"
#include "data/sqlite.h"
#include "util/strings.h"

namespace tmf {

int64_t store_eval_run(Dataset& ds, const EvalRun& r) {
  auto st = ds.db().prepare(
      "INSERT INTO eval_runs(created, model_name, model_kind, model_hash, level, candidate_set_id, part, decode, "
      "seed, n, n_valid, n_hit, settings, wall_seconds) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  st.bind(1, r.created.empty() ? now_iso8601() : r.created).bind(2, r.model_name).bind(3, r.model_kind)
      .bind(4, r.model_hash).bind(5, r.level);
  if (r.candidate_set_id > 0) st.bind(6, r.candidate_set_id); else st.bind_null(6);
  st.bind(7, r.part).bind(8, r.decode).bind(9, r.seed).bind(10, r.stats.n).bind(11, r.stats.n_valid)
      .bind(12, r.stats.n_hit).bind(13, r.settings).bind(14, r.wall_seconds).run();
  return ds.db().last_insert_id();
}

std::vector<EvalRun> list_eval_runs(const Dataset& ds, const std::string& model_kind) {
  auto st = ds.db().prepare(
      "SELECT id, created, model_name, model_kind, model_hash, level, COALESCE(candidate_set_id, 0), part, decode, "
      "seed, n, n_valid, n_hit, settings, wall_seconds FROM eval_runs WHERE ?1 = '' OR model_kind = ?1 ORDER BY id");
  st.bind(1, model_kind);
  std::vector<EvalRun> out;
  while (st.step()) {
    EvalRun r;
    r.id = st.col_int(0);
    r.created = st.col_text(1);
    r.model_name = st.col_text(2);
    r.model_kind = st.col_text(3);
    r.model_hash = st.col_text(4);
    r.level = st.col_text(5);
    r.candidate_set_id = st.col_int(6);
    r.part = st.col_text(7);
    r.decode = st.col_text(8);
    r.seed = st.col_int(9);
    r.stats.n = st.col_int(10);
    r.stats.n_valid = st.col_int(11);
    r.stats.n_hit = st.col_int(12);
    r.settings = st.col_text(13);
    r.wall_seconds = st.col_double(14);
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace tmf
