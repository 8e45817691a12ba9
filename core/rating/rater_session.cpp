#include "rating/rater_session.h"

#include <algorithm>
#include <map>

#include "data/sqlite.h"
#include "rating/rating_study.h"
#include "util/error.h"
#include "util/rng.h"

namespace tmf {
namespace {

uint64_t fnv1a(const std::string& s) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : s) h = (h ^ c) * 0x100000001b3ull;
  return h;
}

}  // namespace

std::vector<std::pair<int64_t, int64_t>> rater_order(const Dataset& ds, int64_t study_id, const std::string& rater) {
  std::vector<std::pair<int64_t, int64_t>> tasks;
  auto st = ds.db().prepare(
      "SELECT DISTINCT q.id, r.item_id, q.position FROM rating_recommendations r "
      "JOIN rating_sequences q ON q.id = r.sequence_id WHERE q.study_id = ? ORDER BY q.position, r.item_id");
  st.bind(1, study_id);
  while (st.step()) tasks.emplace_back(st.col_int(0), st.col_int(1));
  uint64_t seed = 0;
  {
    auto s = ds.db().prepare("SELECT seed FROM rating_studies WHERE id = ?");
    s.bind(1, study_id);
    TMF_CHECK(s.step(), "no rating study with id ", study_id, " in '", ds.path(), "'");
    seed = uint64_t(s.col_int(0));
  }
  Rng rng = Rng(seed).fork(fnv1a(rater));
  rng.shuffle(tasks);
  return tasks;
}

RaterSession::RaterSession(const std::string& dataset_path, const std::string& study, const std::string& rater)
    : ds_(std::make_unique<Dataset>(Dataset::open(dataset_path))), study_(study), rater_(rater) {
  const RatingStudy s = find_study(*ds_, study);
  study_id_ = s.id;
  rater_id_ = rater_id(*ds_, study_id_, rater);
  auto order = rater_order(*ds_, study_id_, rater_);
  TMF_CHECK(!order.empty(), "rating study '", study, "' has no recommendations to rate yet (add two or more sources)");
  std::map<int64_t, std::string> behavior_names;
  for (auto& b : ds_->behaviors()) behavior_names[b.id] = b.name;
  std::map<int64_t, RatingSequence> seqs;
  for (auto& q : study_sequences(*ds_, study_id_)) seqs[q.id] = q;
  std::map<int64_t, Item> items;
  auto item = [&](int64_t id) -> const Item& {
    auto it = items.find(id);
    if (it == items.end()) it = items.emplace(id, ds_->item(id)).first;
    return it->second;
  };
  std::map<int64_t, std::vector<RaterStep>> histories;
  for (auto& [seq_id, item_id] : order) {
    RaterTask t;
    t.sequence_id = seq_id;
    t.item_id = item_id;
    auto h = histories.find(seq_id);
    if (h == histories.end()) {
      std::vector<RaterStep> steps;
      for (auto& e : events_of(*ds_, seqs.at(seq_id).history)) steps.push_back(RaterStep{item(e.item_id), behavior_names[e.behavior_id]});
      h = histories.emplace(seq_id, std::move(steps)).first;
    }
    t.history = h->second;
    t.recommended = item(item_id);
    tasks_.push_back(std::move(t));
  }
  reload();
}

RaterSession::~RaterSession() = default;

const RaterTask& RaterSession::task(int i) const {
  TMF_CHECK(i >= 0 && i < size(), "task ", i, " out of range 0..", size() - 1);
  return tasks_[size_t(i)];
}

int RaterSession::score(int i) const {
  task(i);
  return scores_[size_t(i)];
}

void RaterSession::reload() {
  std::map<std::pair<int64_t, int64_t>, int> got;
  auto st = ds_->db().prepare("SELECT sequence_id, item_id, coalesce(score, 0) FROM ratings WHERE rater_id = ?");
  st.bind(1, rater_id_);
  while (st.step()) got[{st.col_int(0), st.col_int(1)}] = int(st.col_int(2));
  scores_.assign(tasks_.size(), kUnrated);
  for (size_t i = 0; i < tasks_.size(); ++i) {
    auto it = got.find({tasks_[i].sequence_id, tasks_[i].item_id});
    if (it != got.end()) scores_[i] = it->second;
  }
}

void RaterSession::rate(int i, int score) {
  const RaterTask& t = task(i);
  TMF_CHECK(score >= kMinScore && score <= kMaxScore, "a rating is 1..5, got ", score);
  auto& db = ds_->db();
  sql::Transaction tx(db);
  db.prepare(
        "INSERT INTO ratings(rater_id, sequence_id, item_id, score, origin, updated) VALUES(?, ?, ?, ?, 'app', ?) "
        "ON CONFLICT(rater_id, sequence_id, item_id) DO UPDATE SET score = excluded.score, origin = excluded.origin, "
        "updated = excluded.updated")
      .bind_all(rater_id_, t.sequence_id, t.item_id, int64_t(score), now_iso8601())
      .run();
  tx.commit();
  scores_[size_t(i)] = score;
}

void RaterSession::skip(int i) {
  const RaterTask& t = task(i);
  auto& db = ds_->db();
  sql::Transaction tx(db);
  db.prepare(
        "INSERT INTO ratings(rater_id, sequence_id, item_id, score, origin, updated) VALUES(?, ?, ?, NULL, 'app', ?) "
        "ON CONFLICT(rater_id, sequence_id, item_id) DO NOTHING")
      .bind_all(rater_id_, t.sequence_id, t.item_id, now_iso8601())
      .run();
  tx.commit();
  if (scores_[size_t(i)] == kUnrated) scores_[size_t(i)] = kSkipped;
}

int RaterSession::rated() const {
  return int(std::count_if(scores_.begin(), scores_.end(), [](int s) { return s >= kMinScore; }));
}

int RaterSession::skipped() const { return int(std::count(scores_.begin(), scores_.end(), kSkipped)); }

int RaterSession::resume_index() const {
  for (size_t i = 0; i < scores_.size(); ++i)
    if (scores_[i] == kUnrated) return int(i);
  for (size_t i = 0; i < scores_.size(); ++i)
    if (scores_[i] == kSkipped) return int(i);
  return size();
}

}  // namespace tmf
