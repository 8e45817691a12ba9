#include "rating/tmf_recommendations.h"

#include <unordered_map>

#include "data/candidates.h"
#include "data/split.h"
#include "eval/tmf_eval.h"
#include "llm/device.h"
#include "tmf/tmf_example.h"
#include "tmf/tmf_package.h"
#include "util/error.h"

namespace tmf {

std::vector<Recommendation> tmf_recommendations(const Dataset& ds, int64_t study_id, const std::string& package_dir,
                                                const std::string& device, const Progress& progress) {
  RatingStudy study;
  for (auto& s : list_studies(ds))
    if (s.id == study_id) study = s;
  TMF_CHECK(study.id == study_id, "no rating study with id ", study_id, " in '", ds.path(), "'");
  TMF_CHECK(!study.candidates.empty(), "rating study '", study.name,
            "' has no candidate set, so a TMF package cannot choose recommendations (create it with one)");
  const int64_t set_id = candidate_set_id(ds, study.split, study.candidates);
  std::unordered_map<int64_t, CandidateRow> cands;
  for (auto& c : load_candidates(ds, set_id, "test")) cands[c.row_id] = c;
  std::unordered_map<int64_t, SplitRow> rows;
  for (auto& r : load_split_rows(ds, study.split, "test")) rows[r.id] = r;
  const int64_t target = ds.target_behavior().id;

  std::vector<TmfExample> examples;
  std::vector<int64_t> seq_ids;
  for (auto& q : study_sequences(ds, study_id)) {
    auto c = cands.find(q.split_row_id);
    auto r = rows.find(q.split_row_id);
    TMF_CHECK(c != cands.end() && r != rows.end(), "sequence of user ", ds.user_external_id(q.user_id),
              " has no row in candidate set '", study.candidates, "' any more");
    SplitRow row = r->second;
    row.history = events_of(ds, q.history);
    examples.push_back(example_of(row, c->second, target));
    seq_ids.push_back(q.id);
  }
  init_torch_threads();
  LoadedPackage pkg = load_package(package_dir, NameBook::of(ds), resolve_device(device), &ds);
  EvalOptions eo;
  eo.decode = DecodeMode::Constrained;
  EvalResult res = evaluate_tmf(pkg.model, examples, eo, progress);
  TMF_CHECK(res.rows.size() == examples.size(), "TMF evaluation returned ", res.rows.size(), " rows for ",
            examples.size(), " sequences");
  std::vector<Recommendation> out;
  for (size_t i = 0; i < examples.size(); ++i) {
    const int choice = res.rows[i].choice;
    if (choice < 0 || size_t(choice) >= examples[i].candidates.size()) continue;  // not with constrained decoding
    out.push_back(Recommendation{seq_ids[i], examples[i].candidates[size_t(choice)]});
  }
  return out;
}

int64_t add_tmf_source(Dataset& ds, int64_t study_id, const std::string& name, const std::string& package_dir,
                       const std::string& device, const Progress& progress, bool replace) {
  auto recs = tmf_recommendations(ds, study_id, package_dir, device, progress);
  return add_source(ds, study_id, name, "tmf", package_dir, recs, replace);
}

}  // namespace tmf
