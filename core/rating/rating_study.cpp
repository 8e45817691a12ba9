#include "rating/rating_study.h"

#include <algorithm>
#include <set>
#include <unordered_map>

#include "data/candidates.h"
#include "data/importers/record_reader.h"
#include "data/split.h"
#include "data/sqlite.h"
#include "util/error.h"
#include "util/rng.h"
#include "util/strings.h"

namespace tmf {
namespace {

std::string join_ids(const std::vector<int64_t>& ids) {
  std::string s;
  for (size_t i = 0; i < ids.size(); ++i) s += (i ? "," : "") + std::to_string(ids[i]);
  return s;
}

std::vector<int64_t> parse_ids(const std::string& csv, const std::string& path) {
  std::vector<int64_t> out;
  if (csv.empty()) return out;
  for (auto part : split(csv, ',')) {
    long long id = 0;
    TMF_CHECK(parse_int64(part, id), "corrupt rating sequence history '", csv.substr(0, 80), "' in '", path, "'");
    out.push_back(id);
  }
  return out;
}

RatingStudy study_of(sql::Stmt& st) {
  RatingStudy s;
  s.id = st.col_int(0);
  s.name = st.col_text(1);
  s.split = st.col_text(2);
  s.candidates = st.col_text(3);
  s.n_sequences = int(st.col_int(4));
  s.seed = uint64_t(st.col_int(5));
  s.created = st.col_text(6);
  s.sampled = st.col_int(7);
  return s;
}

constexpr const char* kStudySelect =
    "SELECT s.id, s.name, s.split, s.candidates, s.n_sequences, s.seed, s.created, "
    "(SELECT count(*) FROM rating_sequences q WHERE q.study_id = s.id) FROM rating_studies s";

}  // namespace

int64_t create_study(Dataset& ds, const RatingStudySpec& spec) {
  TMF_CHECK(!trim(spec.name).empty(), "a rating study needs a name");
  TMF_CHECK(spec.n_sequences >= 1 && spec.n_sequences <= 1000000, "number of sequences must be 1..1000000, got ",
            spec.n_sequences);
  TMF_CHECK(!has_study(ds, spec.name), "dataset '", ds.path(), "' already has a rating study named '", spec.name, "'");
  auto rows = load_split_rows(ds, spec.split, "test");  // throws listing the known splits
  std::set<int64_t> with_candidates;
  const bool use_cands = !spec.candidates.empty();
  if (use_cands) {
    const int64_t set_id = candidate_set_id(ds, spec.split, spec.candidates);
    for (auto& c : load_candidates(ds, set_id, "test")) with_candidates.insert(c.row_id);
  }
  std::vector<const SplitRow*> pool;
  for (auto& r : rows)
    if (!r.history.empty() && (!use_cands || with_candidates.count(r.id))) pool.push_back(&r);
  TMF_CHECK(!pool.empty(), "split '", spec.split, "' of '", ds.path(), "' has no test rows with a history",
            use_cands ? " and a candidate row" : "", " to sample");
  std::sort(pool.begin(), pool.end(), [](auto* a, auto* b) { return a->id < b->id; });
  Rng rng(spec.seed);
  rng.shuffle(pool);
  pool.resize(std::min(pool.size(), size_t(spec.n_sequences)));

  auto& db = ds.db();
  sql::Transaction tx(db);
  db.prepare("INSERT INTO rating_studies(name, split, candidates, n_sequences, seed, created) VALUES(?, ?, ?, ?, ?, ?)")
      .bind_all(spec.name, spec.split, spec.candidates, int64_t(spec.n_sequences), int64_t(spec.seed), now_iso8601())
      .run();
  const int64_t id = db.last_insert_id();
  auto ins = db.prepare(
      "INSERT INTO rating_sequences(study_id, position, user_id, split_row_id, history) VALUES(?, ?, ?, ?, ?)");
  for (size_t i = 0; i < pool.size(); ++i) {
    std::vector<int64_t> ev;
    for (auto& e : pool[i]->history) ev.push_back(e.id);
    ins.bind_all(id, int64_t(i), pool[i]->user_id, pool[i]->id, join_ids(ev)).run();
    ins.reset();
  }
  for (auto& r : spec.raters) add_rater(ds, id, r);
  tx.commit();
  return id;
}

void delete_study(Dataset& ds, const std::string& name) {
  auto s = find_study(ds, name);
  ds.db().prepare("DELETE FROM rating_studies WHERE id = ?").bind(1, s.id).run();
}

std::vector<RatingStudy> list_studies(const Dataset& ds) {
  std::vector<RatingStudy> out;
  auto st = ds.db().prepare(std::string(kStudySelect) + " ORDER BY s.id");
  while (st.step()) out.push_back(study_of(st));
  return out;
}

bool has_study(const Dataset& ds, const std::string& name) {
  auto st = ds.db().prepare("SELECT 1 FROM rating_studies WHERE name = ?");
  st.bind(1, name);
  return st.step();
}

RatingStudy find_study(const Dataset& ds, const std::string& name) {
  auto st = ds.db().prepare(std::string(kStudySelect) + " WHERE s.name = ?");
  st.bind(1, name);
  if (st.step()) return study_of(st);
  std::vector<std::string> names;
  for (auto& s : list_studies(ds)) names.push_back("'" + s.name + "'");
  fail("dataset '", ds.path(), "' has no rating study '", name, "' (studies: ",
       names.empty() ? std::string("none") : join(names, ", "), ")");
}

std::vector<RatingSequence> study_sequences(const Dataset& ds, int64_t study_id) {
  std::vector<RatingSequence> out;
  auto st = ds.db().prepare(
      "SELECT id, position, user_id, coalesce(split_row_id, 0), history FROM rating_sequences WHERE study_id = ? "
      "ORDER BY position");
  st.bind(1, study_id);
  while (st.step()) {
    RatingSequence s;
    s.id = st.col_int(0);
    s.position = int(st.col_int(1));
    s.user_id = st.col_int(2);
    s.split_row_id = st.col_int(3);
    s.history = parse_ids(st.col_text(4), ds.path());
    out.push_back(std::move(s));
  }
  return out;
}

std::vector<Event> events_of(const Dataset& ds, const std::vector<int64_t>& ids) {
  std::vector<Event> out;
  auto st = ds.db().prepare("SELECT id, user_id, item_id, behavior_id, ts FROM events WHERE id = ?");
  for (int64_t id : ids) {
    st.bind(1, id);
    TMF_CHECK(st.step(), "rating sequence names event ", id, " which no longer exists in '", ds.path(), "'");
    out.push_back(Event{st.col_int(0), st.col_int(1), st.col_int(2), st.col_int(3), st.col_int(4)});
    st.reset();
  }
  return out;
}

int64_t add_rater(Dataset& ds, int64_t study_id, const std::string& name) {
  const std::string n(trim(name));
  TMF_CHECK(!n.empty(), "a rater needs a name or code");
  check_text(n, "rater name");
  ds.db().prepare("INSERT INTO rating_raters(study_id, name) VALUES(?, ?) ON CONFLICT(study_id, name) DO NOTHING")
      .bind_all(study_id, n)
      .run();
  return rater_id(ds, study_id, n);
}

std::vector<Rater> study_raters(const Dataset& ds, int64_t study_id) {
  std::vector<Rater> out;
  auto st = ds.db().prepare("SELECT id, name FROM rating_raters WHERE study_id = ? ORDER BY id");
  st.bind(1, study_id);
  while (st.step()) out.push_back(Rater{st.col_int(0), st.col_text(1)});
  return out;
}

int64_t rater_id(const Dataset& ds, int64_t study_id, const std::string& name) {
  auto st = ds.db().prepare("SELECT id FROM rating_raters WHERE study_id = ? AND name = ?");
  st.bind_all(study_id, std::string(trim(name)));
  if (st.step()) return st.col_int(0);
  std::vector<std::string> names;
  for (auto& r : study_raters(ds, study_id)) names.push_back("'" + r.name + "'");
  fail("no rater '", name, "' in this study (raters: ", names.empty() ? std::string("none") : join(names, ", "), ")");
}

int64_t add_source(Dataset& ds, int64_t study_id, const std::string& name, const std::string& kind,
                   const std::string& origin, const std::vector<Recommendation>& recs, bool replace) {
  TMF_CHECK(!trim(name).empty(), "a recommendation source needs a name");
  TMF_CHECK(!kind.empty(), "source '", name, "' needs a kind (tmf, baseline, csv)");
  TMF_CHECK(!recs.empty(), "source '", name, "' has no recommendations");
  std::set<int64_t> seq_ids;
  for (auto& s : study_sequences(ds, study_id)) seq_ids.insert(s.id);
  std::set<int64_t> seen;
  for (auto& r : recs) {
    TMF_CHECK(seq_ids.count(r.sequence_id), "source '", name, "': sequence ", r.sequence_id, " is not in the study");
    TMF_CHECK(seen.insert(r.sequence_id).second, "source '", name, "' recommends twice for sequence ", r.sequence_id);
  }
  auto& db = ds.db();
  sql::Transaction tx(db);
  {
    auto st = db.prepare("SELECT id FROM rating_sources WHERE study_id = ? AND name = ?");
    st.bind_all(study_id, name);
    if (st.step()) {
      TMF_CHECK(replace, "the study already has a source named '", name, "' (replace it explicitly)");
      db.prepare("DELETE FROM rating_sources WHERE id = ?").bind(1, st.col_int(0)).run();
    }
  }
  db.prepare("INSERT INTO rating_sources(study_id, name, kind, origin, created) VALUES(?, ?, ?, ?, ?)")
      .bind_all(study_id, name, kind, origin, now_iso8601())
      .run();
  const int64_t id = db.last_insert_id();
  auto item_ok = db.prepare("SELECT 1 FROM items WHERE id = ?");
  auto ins = db.prepare("INSERT INTO rating_recommendations(source_id, sequence_id, item_id) VALUES(?, ?, ?)");
  for (auto& r : recs) {
    item_ok.bind(1, r.item_id);
    TMF_CHECK(item_ok.step(), "source '", name, "' recommends item ", r.item_id, " which is not in '", ds.path(), "'");
    item_ok.reset();
    ins.bind_all(id, r.sequence_id, r.item_id).run();
    ins.reset();
  }
  tx.commit();
  return id;
}

std::vector<RatingSource> study_sources(const Dataset& ds, int64_t study_id) {
  std::vector<RatingSource> out;
  auto st = ds.db().prepare(
      "SELECT s.id, s.name, s.kind, s.origin, (SELECT count(*) FROM rating_recommendations r WHERE r.source_id = s.id) "
      "FROM rating_sources s WHERE s.study_id = ? ORDER BY s.id");
  st.bind(1, study_id);
  while (st.step()) out.push_back(RatingSource{st.col_int(0), st.col_text(1), st.col_text(2), st.col_text(3), st.col_int(4)});
  return out;
}

std::vector<Recommendation> source_recommendations(const Dataset& ds, int64_t source_id) {
  std::vector<Recommendation> out;
  auto st = ds.db().prepare(
      "SELECT r.sequence_id, r.item_id FROM rating_recommendations r JOIN rating_sequences q ON q.id = r.sequence_id "
      "WHERE r.source_id = ? ORDER BY q.position");
  st.bind(1, source_id);
  while (st.step()) out.push_back(Recommendation{st.col_int(0), st.col_int(1)});
  return out;
}

CsvRecommendations read_recommendations_csv(const Dataset& ds, int64_t study_id, const std::string& path) {
  CsvReader csv(path);
  std::vector<std::string> f;
  TMF_CHECK(csv.next(f), "recommendation CSV '", path, "' is empty (expected a header with user,item)");
  int cu = -1, ci = -1;
  for (size_t i = 0; i < f.size(); ++i) {
    const std::string h = lower(trim(f[i]));
    if (h == "user") cu = int(i);
    if (h == "item") ci = int(i);
  }
  TMF_CHECK(cu >= 0 && ci >= 0, "recommendation CSV '", path, "' needs columns 'user' and 'item' in its header, got '",
            join(f, ","), "'");
  std::unordered_map<std::string, int64_t> seq_of_user;
  auto seqs = study_sequences(ds, study_id);
  for (auto& s : seqs) seq_of_user[ds.user_external_id(s.user_id)] = s.id;
  CsvRecommendations out;
  std::set<int64_t> covered;
  while (csv.next(f)) {
    if (f.size() == 1 && trim(f[0]).empty()) continue;
    TMF_CHECK(int(f.size()) > std::max(cu, ci), "'", path, "' line ", csv.line_no(), ": ", f.size(),
              " fields, expected at least ", std::max(cu, ci) + 1);
    const std::string user(trim(f[size_t(cu)])), item(trim(f[size_t(ci)]));
    auto it = seq_of_user.find(user);
    if (it == seq_of_user.end()) {
      ++out.ignored_rows;
      continue;
    }
    auto item_id = ds.find_item(item);
    TMF_CHECK(item_id, "'", path, "' line ", csv.line_no(), ": unknown item '", item, "'");
    TMF_CHECK(covered.insert(it->second).second, "'", path, "' line ", csv.line_no(), ": user '", user,
              "' has a second recommendation");
    out.recs.push_back(Recommendation{it->second, *item_id});
  }
  out.missing = int64_t(seqs.size() - covered.size());
  return out;
}

}  // namespace tmf
