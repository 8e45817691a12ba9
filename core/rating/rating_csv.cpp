#include "rating/rating_csv.h"

#include <cmath>
#include <map>
#include <set>
#include <unordered_map>

#include "data/importers/record_reader.h"
#include "data/sqlite.h"
#include "rating/rating_study.h"
#include "util/error.h"
#include "util/strings.h"

namespace tmf {

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

std::string ratings_csv(const Dataset& ds, const std::string& study_name) {
  const RatingStudy study = find_study(ds, study_name);
  std::map<std::pair<int64_t, int64_t>, std::vector<std::string>> sources;
  {
    auto st = ds.db().prepare(
        "SELECT r.sequence_id, r.item_id, s.name FROM rating_recommendations r JOIN rating_sources s ON s.id = r.source_id "
        "WHERE s.study_id = ? ORDER BY s.id");
    st.bind(1, study.id);
    while (st.step()) sources[{st.col_int(0), st.col_int(1)}].push_back(st.col_text(2));
  }
  std::string out = "dataset,rater,user,item,score,sources,origin,updated\n";
  const std::string dataset = csv_field(ds.name());
  auto st = ds.db().prepare(
      "SELECT t.name, u.external_id, i.external_id, r.score, r.sequence_id, r.item_id, r.origin, r.updated "
      "FROM ratings r JOIN rating_raters t ON t.id = r.rater_id JOIN rating_sequences q ON q.id = r.sequence_id "
      "JOIN users u ON u.id = q.user_id JOIN items i ON i.id = r.item_id WHERE t.study_id = ? "
      "ORDER BY t.id, q.position, r.item_id");
  st.bind(1, study.id);
  while (st.step()) {
    auto src = sources[{st.col_int(4), st.col_int(5)}];
    out += dataset + "," + csv_field(st.col_text(0)) + "," + csv_field(st.col_text(1)) + "," + csv_field(st.col_text(2)) + "," +
           (st.col_null(3) ? std::string() : std::to_string(st.col_int(3))) + "," + csv_field(join(src, "|")) + "," +
           csv_field(st.col_text(6)) + "," + csv_field(st.col_text(7)) + "\n";
  }
  return out;
}

std::string RatingImportReport::summary() const {
  std::string s = std::to_string(rows) + " rows: " + std::to_string(added) + " added, " + std::to_string(unchanged) +
                  " unchanged, " + std::to_string(skips) + " skips, " + std::to_string(conflicts.size()) +
                  " conflicts, " + std::to_string(rejected.size()) + " rejected, " + std::to_string(new_raters) +
                  " new raters\n";
  for (auto& c : conflicts) {
    auto sc = [](int v) { return v == 0 ? std::string("skip") : std::to_string(v); };
    s += "  conflict line " + std::to_string(c.line) + ": rater '" + c.rater + "', user '" + c.user + "', item '" +
         c.item + "': stored " + sc(c.stored) + ", file " + sc(c.incoming) +
         (c.overwritten ? " (file value taken)" : " (stored value kept)") + "\n";
  }
  for (auto& r : rejected) s += "  rejected " + r + "\n";
  return s;
}

RatingImportReport import_ratings_csv(Dataset& ds, const std::string& study_name, const std::string& path,
                                      bool overwrite) {
  const RatingStudy study = find_study(ds, study_name);
  CsvReader csv(path);
  std::vector<std::string> f;
  TMF_CHECK(csv.next(f), "ratings CSV '", path, "' is empty (expected a header rater,user,item,score)");
  int col[4] = {-1, -1, -1, -1};
  const char* names[4] = {"rater", "user", "item", "score"};
  for (size_t i = 0; i < f.size(); ++i)
    for (int k = 0; k < 4; ++k)
      if (lower(trim(f[i])) == names[k]) col[k] = int(i);
  for (int k = 0; k < 4; ++k)
    TMF_CHECK(col[k] >= 0, "ratings CSV '", path, "' has no '", names[k], "' column in its header '", join(f, ","), "'");
  int max_col = 0;
  for (int c : col) max_col = std::max(max_col, c);
  int col_dataset = -1;
  for (size_t i = 0; i < f.size(); ++i)
    if (lower(trim(f[i])) == "dataset") col_dataset = int(i);
  const std::string dataset_name = ds.name();

  std::unordered_map<std::string, int64_t> seq_of_user;
  for (auto& s : study_sequences(ds, study.id)) seq_of_user[ds.user_external_id(s.user_id)] = s.id;
  std::set<std::pair<int64_t, int64_t>> recommended;
  {
    auto st = ds.db().prepare(
        "SELECT r.sequence_id, r.item_id FROM rating_recommendations r JOIN rating_sources s ON s.id = r.source_id "
        "WHERE s.study_id = ?");
    st.bind(1, study.id);
    while (st.step()) recommended.insert({st.col_int(0), st.col_int(1)});
  }
  std::set<std::string> known_raters;
  for (auto& r : study_raters(ds, study.id)) known_raters.insert(r.name);

  RatingImportReport rep;
  auto& db = ds.db();
  sql::Transaction tx(db);
  auto get = db.prepare("SELECT id, coalesce(score, 0) FROM ratings WHERE rater_id = ? AND sequence_id = ? AND item_id = ?");
  auto ins = db.prepare(
      "INSERT INTO ratings(rater_id, sequence_id, item_id, score, origin, updated) VALUES(?, ?, ?, ?, ?, ?)");
  auto upd = db.prepare("UPDATE ratings SET score = ?, origin = ?, updated = ? WHERE id = ?");
  const std::string origin = "import:" + path;
  const std::string now = now_iso8601();
  while (csv.next(f)) {
    if (f.size() == 1 && trim(f[0]).empty()) continue;
    ++rep.rows;
    const std::string where = "line " + std::to_string(csv.line_no()) + ": ";
    if (int(f.size()) <= max_col) {
      rep.rejected.push_back(where + std::to_string(f.size()) + " fields, expected at least " + std::to_string(max_col + 1));
      continue;
    }
    if (col_dataset >= 0 && size_t(col_dataset) < f.size() && !trim(f[size_t(col_dataset)]).empty() &&
        trim(f[size_t(col_dataset)]) != dataset_name) {
      rep.rejected.push_back(where + "row of dataset '" + std::string(trim(f[size_t(col_dataset)])) + "', not '" +
                             dataset_name + "'");
      continue;
    }
    const std::string rater(trim(f[size_t(col[0])])), user(trim(f[size_t(col[1])])), item(trim(f[size_t(col[2])]));
    const std::string score_text = lower(trim(f[size_t(col[3])]));
    int score = 0;
    if (!score_text.empty() && score_text != "skip") {
      long long v = 0;
      if (!parse_int64(score_text, v) || v < 1 || v > 5) {
        rep.rejected.push_back(where + "score '" + score_text + "' is not 1..5 (or empty/skip)");
        continue;
      }
      score = int(v);
    }
    if (rater.empty()) {
      rep.rejected.push_back(where + "empty rater");
      continue;
    }
    if (auto bad = text_problem(rater + user + item); !bad.empty()) {
      rep.rejected.push_back(where + "the rater, user or item holds " + bad);
      continue;
    }
    auto seq = seq_of_user.find(user);
    if (seq == seq_of_user.end()) {
      rep.rejected.push_back(where + "user '" + user + "' is not in the study's sample");
      continue;
    }
    auto item_id = ds.find_item(item);
    if (!item_id || !recommended.count({seq->second, *item_id})) {
      rep.rejected.push_back(where + "item '" + item + "' is not a recommendation for user '" + user + "' in this study");
      continue;
    }
    if (known_raters.insert(rater).second) ++rep.new_raters;
    const int64_t rid = add_rater(ds, study.id, rater);
    get.bind_all(rid, seq->second, *item_id);
    if (!get.step()) {
      get.reset();
      ins.bind(1, rid).bind(2, seq->second).bind(3, *item_id);
      if (score) ins.bind(4, int64_t(score)); else ins.bind_null(4);
      ins.bind(5, origin).bind(6, now).run();
      ins.reset();
      if (score) ++rep.added; else ++rep.skips;
      continue;
    }
    const int64_t row_id = get.col_int(0);
    const int stored = int(get.col_int(1));
    get.reset();
    if (stored == score) {
      if (score) ++rep.unchanged; else ++rep.skips;
    } else if (score == 0) {
      ++rep.skips;  // a skip never replaces a score
    } else if (stored == 0) {
      upd.bind(1, int64_t(score)).bind(2, origin).bind(3, now).bind(4, row_id).run();
      upd.reset();
      ++rep.added;
    } else {
      RatingConflict c{csv.line_no(), rater, user, item, stored, score, overwrite};
      rep.conflicts.push_back(c);
      if (overwrite) {
        upd.bind(1, int64_t(score)).bind(2, origin).bind(3, now).bind(4, row_id).run();
        upd.reset();
      }
    }
  }
  tx.commit();
  return rep;
}

std::string stats_csv(const std::vector<SourceRatingStats>& rows) {
  std::string out =
      "source,kind,dataset,study,recommendations,ratings,average,count_1,count_2,count_3,count_4,count_5,"
      "share_1,share_2,share_3,share_4,share_5,raters,kappa_subjects,kappa_excluded,kappa,z,p_value,kappa_note\n";
  char buf[64];
  auto num = [&](double v) {
    if (std::isnan(v)) return std::string();
    std::snprintf(buf, sizeof buf, "%.6g", v);
    return std::string(buf);
  };
  for (auto& r : rows) {
    out += csv_field(r.source) + "," + csv_field(r.kind) + "," + csv_field(r.dataset) + "," + csv_field(r.study) + "," +
           std::to_string(r.recommendations) + "," + std::to_string(r.ratings) + "," + num(r.mean);
    for (auto c : r.counts) out += "," + std::to_string(c);
    for (auto s : r.shares) out += "," + num(s);
    out += "," + std::to_string(r.raters) + "," + std::to_string(r.kappa_subjects) + "," + std::to_string(r.kappa_excluded);
    if (r.kappa.defined)
      out += "," + num(r.kappa.kappa) + "," + num(r.kappa.z) + "," + num(r.kappa.p_value);
    else
      out += ",,,";
    out += "," + csv_field(r.kappa_note) + "\n";
  }
  return out;
}

nlohmann::json stats_json(const std::vector<SourceRatingStats>& rows) {
  nlohmann::json a = nlohmann::json::array();
  for (auto& r : rows) {
    nlohmann::json k = nullptr;
    if (r.kappa.defined)
      k = {{"kappa", r.kappa.kappa}, {"z", r.kappa.z}, {"p_value", r.kappa.p_value}, {"se0", r.kappa.se0},
           {"observed", r.kappa.observed}, {"expected", r.kappa.expected}};
    a.push_back({{"source", r.source}, {"kind", r.kind}, {"dataset", r.dataset}, {"study", r.study},
                 {"recommendations", r.recommendations}, {"ratings", r.ratings}, {"average", r.mean},
                 {"counts", r.counts}, {"shares", r.shares}, {"raters", r.raters},
                 {"kappa_subjects", r.kappa_subjects}, {"kappa_excluded", r.kappa_excluded},
                 {"fleiss_kappa", k}, {"kappa_note", r.kappa_note}});
  }
  return a;
}

}  // namespace tmf
