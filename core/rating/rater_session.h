// One rater working through a study (paper §5.4): the blinded task list and every rating committed
// as it is given.
//
// Blinding: a task is (sequence, recommended item) — what a rater sees — and carries no source.
// Identical recommendations of two sources for one sequence are one task; its rating is credited
// to both (rating_stats.h joins ratings to sources by item). Each rater gets an independent order:
// the tasks sorted by (sequence position, item) and shuffled by an Rng seeded from the study seed
// and the rater's name, so a rater resumes in the same order in any process.
//
// Durability: rate() and skip() each run one SQLite transaction (WAL) and return after COMMIT; a
// killed process loses nothing that was returned. Ratings are unique per (rater, sequence, item)
// (an upsert), so two processes for the same file never duplicate or lose a rating; for the same
// rater, the last write wins. The session opens its own connection to the dataset file.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "data/dataset.h"

namespace tmf {

struct RaterStep {
  Item item;                 // text fields; image via Dataset::item_image(item.id)
  std::string behavior;      // behavior name
};

struct RaterTask {
  int64_t sequence_id = 0;
  int64_t item_id = 0;           // the recommended item
  std::vector<RaterStep> history;  // oldest first
  Item recommended;
};

class RaterSession {
 public:
  static constexpr int kUnrated = -1;
  static constexpr int kSkipped = 0;
  static constexpr int kMinScore = 1, kMaxScore = 5;

  // Opens `dataset_path` read-write. Throws for an unknown study or rater, or a study without
  // recommendations yet.
  RaterSession(const std::string& dataset_path, const std::string& study, const std::string& rater);
  ~RaterSession();
  RaterSession(const RaterSession&) = delete;
  RaterSession& operator=(const RaterSession&) = delete;

  int size() const { return int(tasks_.size()); }
  const RaterTask& task(int i) const;
  int score(int i) const;                // kUnrated, kSkipped or 1..5
  void rate(int i, int score);           // commits; score 1..5
  void skip(int i);                      // commits a skip unless the task already has a score
  int rated() const;                     // tasks with a score 1..5
  int skipped() const;
  // Where to resume: the first unrated task in order, else the first skipped one, else size().
  int resume_index() const;
  void reload();                         // re-reads this rater's scores (another process may write)

  const Dataset& dataset() const { return *ds_; }
  const std::string& rater() const { return rater_; }
  const std::string& study() const { return study_; }

 private:
  std::unique_ptr<Dataset> ds_;
  std::string study_, rater_;
  int64_t study_id_ = 0, rater_id_ = 0;
  std::vector<RaterTask> tasks_;
  std::vector<int> scores_;
};

// Every distinct (sequence, item) pair of a study, in a rater's order (see above). Exposed for
// tests and for tools that print a rater's sheet.
std::vector<std::pair<int64_t, int64_t>> rater_order(const Dataset& ds, int64_t study_id, const std::string& rater);

}  // namespace tmf
