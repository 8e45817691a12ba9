#include "data/split.h"

#include <algorithm>
#include <unordered_map>

#include "data/sqlite.h"
#include "util/error.h"
#include "util/strings.h"

namespace tmf {

UserTargets user_targets(const std::vector<Event>& events, int64_t target_behavior_id) {
  UserTargets t;
  std::vector<size_t> idx;
  for (size_t i = 0; i < events.size(); ++i)
    if (events[i].behavior_id == target_behavior_id && i > 0) idx.push_back(i);  // needs history
  if (idx.empty()) return t;
  t.test = long(idx.back());
  if (idx.size() >= 2) t.valid = long(idx[idx.size() - 2]);
  for (size_t k = 0; k + 2 < idx.size(); ++k) t.train.push_back(idx[k]);
  return t;
}

static std::vector<Event> history_before(const std::vector<Event>& events, size_t target, int L) {
  size_t start = target > size_t(L) ? target - size_t(L) : 0;
  return std::vector<Event>(events.begin() + long(start), events.begin() + long(target));
}

int64_t split_id(const Dataset& ds, const std::string& name) {
  auto st = ds.db().prepare("SELECT id FROM splits WHERE name = ?");
  st.bind(1, name);
  if (st.step()) return st.col_int(0);
  std::vector<std::string> known;
  auto all = ds.db().prepare("SELECT name FROM splits ORDER BY id");
  while (all.step()) known.push_back(all.col_text(0));
  fail("dataset '", ds.path(), "' has no split '", name, "'",
       known.empty() ? std::string(" (it has none: run `tmf data split`)") : " (it has: " + join(known, ", ") + ")");
}

SplitSummary make_split(Dataset& ds, const SplitOptions& opts, const Progress& progress) {
  TMF_CHECK(opts.history_len >= 1 && opts.history_len <= 10000, "history length ", opts.history_len,
            " is out of range [1, 10000]");
  TMF_CHECK(!opts.name.empty(), "a split needs a name");
  auto& db = ds.db();
  const int64_t target = ds.target_behavior().id;
  sql::Transaction tx(db);
  {
    auto st = db.prepare("SELECT id FROM splits WHERE name = ?");
    st.bind(1, opts.name);
    if (st.step()) {
      TMF_CHECK(opts.replace, "split '", opts.name, "' exists in '", ds.path(), "' (use replace to redraw it)");
      db.prepare("DELETE FROM splits WHERE id = ?").bind(1, st.col_int(0)).run();
    }
  }
  db.prepare("INSERT INTO splits(name, history_len, target_behavior_id, users_skipped, created) VALUES(?, ?, ?, 0, ?)")
      .bind_all(opts.name, opts.history_len, target, now_iso8601())
      .run();
  SplitSummary sum;
  sum.split_id = db.last_insert_id();
  auto ins = db.prepare(
      "INSERT INTO split_rows(split_id, user_id, part, target_event_id, target_item_id, history) VALUES(?, ?, ?, ?, ?, ?)");
  const double total = double(ds.user_count());
  double done = 0;
  auto write = [&](const std::vector<Event>& ev, long idx, const char* part) {
    auto hist = history_before(ev, size_t(idx), opts.history_len);
    std::string h;
    for (size_t i = 0; i < hist.size(); ++i) h += (i ? "," : "") + std::to_string(hist[i].id);
    ins.bind(1, sum.split_id).bind(2, ev[size_t(idx)].user_id).bind(3, part).bind(4, ev[size_t(idx)].id)
        .bind(5, ev[size_t(idx)].item_id).bind(6, h);
    ins.run();
  };
  ds.for_each_user_events([&](int64_t, const std::vector<Event>& ev) {
    UserTargets t = user_targets(ev, target);
    if (t.test < 0) {
      ++sum.users_skipped;
    } else {
      write(ev, t.test, "test");
      ++sum.test_rows;
      ++sum.users;
      if (t.valid >= 0) {
        write(ev, t.valid, "valid");
        ++sum.valid_rows;
      }
    }
    if (++done == total || int64_t(done) % 256 == 0) progress.report("split", done, total);
  });
  // Users without any event never reach the callback above.
  int64_t users_without_events = ds.user_count() - db.scalar_int("SELECT count(DISTINCT user_id) FROM events");
  sum.users_skipped += users_without_events;
  db.prepare("UPDATE splits SET users_skipped = ? WHERE id = ?").bind_all(sum.users_skipped, sum.split_id).run();
  tx.commit();
  return sum;
}

static std::vector<Event> events_by_ids(const Dataset& ds, const std::string& csv) {
  std::vector<Event> out;
  if (csv.empty()) return out;
  auto st = ds.db().prepare("SELECT id, user_id, item_id, behavior_id, ts FROM events WHERE id = ?");
  for (auto part : split(csv, ',')) {
    long long id;
    TMF_CHECK(parse_int64(part, id), "corrupt split history '", csv.substr(0, 80), "' in '", ds.path(), "'");
    st.bind(1, int64_t(id));
    TMF_CHECK(st.step(), "split history names event ", id, " which no longer exists in '", ds.path(), "'");
    out.push_back(Event{st.col_int(0), st.col_int(1), st.col_int(2), st.col_int(3), st.col_int(4)});
    st.reset();
  }
  return out;
}

std::vector<SplitRow> load_split_rows(const Dataset& ds, const std::string& split, const std::string& part) {
  TMF_CHECK(part == "valid" || part == "test", "unknown split part '", part, "' (expected valid or test)");
  int64_t sid = split_id(ds, split);
  std::vector<SplitRow> out;
  auto st = ds.db().prepare(
      "SELECT id, user_id, part, target_event_id, target_item_id, history FROM split_rows "
      "WHERE split_id = ? AND part = ? ORDER BY user_id");
  st.bind(1, sid).bind(2, part);
  while (st.step()) {
    SplitRow r;
    r.id = st.col_int(0);
    r.user_id = st.col_int(1);
    r.part = st.col_text(2);
    r.target_event_id = st.col_int(3);
    r.target_item_id = st.col_int(4);
    r.history = events_by_ids(ds, st.col_text(5));
    out.push_back(std::move(r));
  }
  return out;
}

std::vector<SplitRow> training_rows(const Dataset& ds, const std::string& split, const Progress& progress) {
  int64_t sid = split_id(ds, split);
  int history_len = 0;
  {
    auto st = ds.db().prepare("SELECT history_len FROM splits WHERE id = ?");
    st.bind(1, sid);
    st.step();
    history_len = int(st.col_int(0));
  }
  const int64_t target = ds.target_behavior().id;
  std::vector<SplitRow> out;
  const double total = double(ds.user_count());
  double done = 0;
  ds.for_each_user_events([&](int64_t user, const std::vector<Event>& ev) {
    UserTargets t = user_targets(ev, target);
    for (size_t idx : t.train) {
      SplitRow r;
      r.user_id = user;
      r.part = "train";
      r.target_event_id = ev[idx].id;
      r.target_item_id = ev[idx].item_id;
      r.history = history_before(ev, idx, history_len);
      out.push_back(std::move(r));
    }
    if (++done == total || int64_t(done) % 512 == 0) progress.report("train rows", done, total);
  });
  return out;
}

}  // namespace tmf
