#include "data/candidates.h"

#include <algorithm>
#include <map>
#include <unordered_map>
#include <unordered_set>

#include "data/split.h"
#include "data/sqlite.h"
#include "util/error.h"
#include "util/rng.h"
#include "util/strings.h"

namespace tmf {

int64_t candidate_set_id(const Dataset& ds, const std::string& split, const std::string& name) {
  int64_t sid = split_id(ds, split);
  auto st = ds.db().prepare("SELECT id FROM candidate_sets WHERE split_id = ? AND name = ?");
  st.bind(1, sid).bind(2, name);
  if (st.step()) return st.col_int(0);
  std::vector<std::string> known;
  auto all = ds.db().prepare("SELECT name FROM candidate_sets WHERE split_id = ? ORDER BY id");
  all.bind(1, sid);
  while (all.step()) known.push_back(all.col_text(0));
  fail("split '", split, "' of '", ds.path(), "' has no candidate set '", name, "'",
       known.empty() ? std::string(" (it has none: run `tmf data candidates`)") : " (it has: " + join(known, ", ") + ")");
}

CandidateSummary make_candidates(Dataset& ds, const CandidateOptions& opts, const Progress& progress) {
  TMF_CHECK(opts.mode == "random" || opts.mode == "hard", "unknown candidate mode '", opts.mode,
            "' (expected random or hard)");
  TMF_CHECK(opts.num_negatives >= 1 && opts.num_negatives <= 1000, "number of negatives ", opts.num_negatives,
            " is out of range [1, 1000]");
  auto& db = ds.db();
  const int64_t sid = split_id(ds, opts.split);

  // Catalog, and per-category lists (the most specific category of each item) for hard mode.
  std::vector<int64_t> all_items;
  std::unordered_map<int64_t, std::string> leaf_category;
  std::map<std::string, std::vector<int64_t>> by_category;
  {
    auto st = db.prepare("SELECT id, categories FROM items ORDER BY id");
    while (st.step()) {
      int64_t id = st.col_int(0);
      all_items.push_back(id);
      const std::string cat_text = st.col_text(1);
      auto cats = split(cat_text, '|');
      std::string leaf(trim(cats.back()));
      leaf_category[id] = leaf;
      if (!leaf.empty()) by_category[leaf].push_back(id);
    }
  }
  TMF_CHECK(int64_t(all_items.size()) > opts.num_negatives, "dataset '", ds.path(), "' has ", all_items.size(),
            " items: too few for ", opts.num_negatives, " negatives");

  sql::Transaction tx(db);
  {
    auto st = db.prepare("SELECT id FROM candidate_sets WHERE split_id = ? AND name = ?");
    st.bind(1, sid).bind(2, opts.name);
    if (st.step()) {
      TMF_CHECK(opts.replace, "candidate set '", opts.name, "' exists for split '", opts.split, "' (use replace to redraw it)");
      db.prepare("DELETE FROM candidate_sets WHERE id = ?").bind(1, st.col_int(0)).run();
    }
  }
  db.prepare("INSERT INTO candidate_sets(split_id, name, mode, seed, num_negatives, created) VALUES(?, ?, ?, ?, ?, ?)")
      .bind_all(sid, opts.name, opts.mode, int64_t(opts.seed), opts.num_negatives, now_iso8601())
      .run();
  CandidateSummary sum;
  sum.set_id = db.last_insert_id();

  // Items each user ever interacted with (any behavior, any time).
  std::unordered_map<int64_t, std::unordered_set<int64_t>> seen;
  {
    auto st = db.prepare("SELECT DISTINCT user_id, item_id FROM events");
    while (st.step()) seen[st.col_int(0)].insert(st.col_int(1));
  }
  auto ins = db.prepare("INSERT INTO candidates(set_id, row_id, items, truth_pos) VALUES(?, ?, ?, ?)");
  auto rows = db.prepare("SELECT id, user_id, part, target_item_id FROM split_rows WHERE split_id = ? ORDER BY id");
  rows.bind(1, sid);
  int64_t n_rows = 0;
  const Rng base(opts.seed);
  while (rows.step()) {
    const int64_t row_id = rows.col_int(0), user = rows.col_int(1), truth = rows.col_int(3);
    const std::string part = rows.col_text(2);
    const auto& user_seen = seen[user];
    Rng rng = base.fork(uint64_t(user) * 4 + (part == "test" ? 1 : 2));
    std::vector<int64_t> chosen;
    std::unordered_set<int64_t> taken;
    auto draw_from = [&](const std::vector<int64_t>& pool, bool& exhausted) {
      // Rejection sampling with a bound on attempts, then an exhaustive pass for small pools.
      exhausted = false;
      size_t attempts = 0;
      while (int(chosen.size()) < opts.num_negatives && attempts < pool.size() * 4 + 64) {
        ++attempts;
        int64_t c = pool[rng.below(pool.size())];
        if (c == truth || user_seen.count(c) || taken.count(c)) continue;
        taken.insert(c);
        chosen.push_back(c);
      }
      if (int(chosen.size()) < opts.num_negatives) {
        std::vector<int64_t> rest;
        for (int64_t c : pool)
          if (c != truth && !user_seen.count(c) && !taken.count(c)) rest.push_back(c);
        rng.shuffle(rest);
        for (int64_t c : rest) {
          if (int(chosen.size()) >= opts.num_negatives) break;
          taken.insert(c);
          chosen.push_back(c);
        }
        exhausted = int(chosen.size()) < opts.num_negatives;
      }
    };
    bool exhausted = false;
    if (opts.mode == "hard") {
      auto it = by_category.find(leaf_category[truth]);
      if (it != by_category.end()) draw_from(it->second, exhausted);
      if (int(chosen.size()) < opts.num_negatives) {
        ++sum.topped_up;
        draw_from(all_items, exhausted);
      }
    } else {
      draw_from(all_items, exhausted);
    }
    TMF_CHECK(!exhausted, "user ", user, " has interacted with so many of the ", all_items.size(),
              " items that ", opts.num_negatives, " unseen negatives cannot be drawn");
    int pos = int(rng.below(chosen.size() + 1));
    chosen.insert(chosen.begin() + pos, truth);
    std::string csv;
    for (size_t i = 0; i < chosen.size(); ++i) csv += (i ? "," : "") + std::to_string(chosen[i]);
    ins.bind(1, sum.set_id).bind(2, row_id).bind(3, csv).bind(4, pos);
    ins.run();
    ++n_rows;
    if (n_rows % 256 == 0) progress.report("candidates", double(n_rows), 0);
  }
  sum.rows = n_rows;
  tx.commit();
  progress.report("candidates", double(n_rows), double(n_rows));
  return sum;
}

std::vector<CandidateRow> load_candidates(const Dataset& ds, int64_t set_id, const std::string& part) {
  std::vector<CandidateRow> out;
  auto st = ds.db().prepare(
      "SELECT c.row_id, r.user_id, r.part, c.items, c.truth_pos FROM candidates c JOIN split_rows r ON r.id = c.row_id "
      "WHERE c.set_id = ? AND (? = '' OR r.part = ?) ORDER BY r.user_id, r.part");
  st.bind(1, set_id).bind(2, part).bind(3, part);
  while (st.step()) {
    CandidateRow r;
    r.row_id = st.col_int(0);
    r.user_id = st.col_int(1);
    r.part = st.col_text(2);
    const std::string items_csv = st.col_text(3);
    for (auto p : split(items_csv, ',')) {
      long long v;
      TMF_CHECK(parse_int64(p, v), "corrupt candidate row ", r.row_id, " in '", ds.path(), "'");
      r.items.push_back(v);
    }
    r.truth_pos = int(st.col_int(4));
    TMF_CHECK(r.truth_pos >= 0 && size_t(r.truth_pos) < r.items.size(), "corrupt candidate row ", r.row_id,
              ": truth position ", r.truth_pos, " of ", r.items.size());
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace tmf
