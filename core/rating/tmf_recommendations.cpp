#include "rating/tmf_recommendations.h"

#include <unordered_map>

#include "data/evaluation_rows.h"
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
  const EvaluationRows test = load_evaluation_rows(ds, study.split, study.candidates, "test");
  std::unordered_map<int64_t, size_t> by_row;  // split row id -> index in test
  for (size_t i = 0; i < test.size(); ++i) by_row[test.rows[i].id] = i;
  const int64_t target = ds.target_behavior().id;

  std::vector<TmfExample> examples;
  std::vector<int64_t> seq_ids;
  for (auto& q : study_sequences(ds, study_id)) {
    auto at = by_row.find(q.split_row_id);
    TMF_CHECK(at != by_row.end(), "sequence of user ", ds.user_external_id(q.user_id),
              " has no row in candidate set '", study.candidates, "' any more");
    SplitRow row = test.rows[at->second];
    row.history = events_of(ds, q.history);
    examples.push_back(example_of(row, test.candidates[at->second], target));
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
