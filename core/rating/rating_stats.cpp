#include "rating/rating_stats.h"

#include <cmath>
#include <cstdio>
#include <map>
#include <set>

#include "data/sqlite.h"
#include "rating/rating_study.h"

namespace tmf {

std::vector<SourceRatingStats> rating_stats(const Dataset& ds, const std::string& study_name) {
  const RatingStudy study = find_study(ds, study_name);
  // (sequence, item) -> rater -> score, skips left out
  std::map<std::pair<int64_t, int64_t>, std::map<int64_t, int>> scores;
  std::set<int64_t> active;
  {
    auto st = ds.db().prepare(
        "SELECT r.sequence_id, r.item_id, r.rater_id, r.score FROM ratings r JOIN rating_raters t ON t.id = r.rater_id "
        "WHERE t.study_id = ? AND r.score IS NOT NULL");
    st.bind(1, study.id);
    while (st.step()) {
      scores[{st.col_int(0), st.col_int(1)}][st.col_int(2)] = int(st.col_int(3));
      active.insert(st.col_int(2));
    }
  }
  const std::string dataset = ds.name();
  std::vector<SourceRatingStats> out;
  for (auto& src : study_sources(ds, study.id)) {
    SourceRatingStats s;
    s.dataset = dataset;
    s.study = study.name;
    s.source = src.name;
    s.kind = src.kind;
    s.raters = int(active.size());
    std::vector<std::vector<int>> table;
    int64_t sum = 0;
    for (auto& rec : source_recommendations(ds, src.id)) {
      ++s.recommendations;
      auto it = scores.find({rec.sequence_id, rec.item_id});
      if (it == scores.end()) {
        ++s.kappa_excluded;
        continue;
      }
      std::vector<int> row(5, 0);
      for (auto& [rater, score] : it->second) {
        s.counts[size_t(score - 1)] += 1;
        row[size_t(score - 1)] += 1;
        sum += score;
        ++s.ratings;
      }
      if (active.size() >= 2 && it->second.size() == active.size())
        table.push_back(std::move(row));
      else
        ++s.kappa_excluded;
    }
    if (s.ratings > 0) {
      s.mean = double(sum) / double(s.ratings);
      for (size_t j = 0; j < 5; ++j) s.shares[j] = double(s.counts[j]) / double(s.ratings);
    }
    s.kappa_subjects = int64_t(table.size());
    if (active.size() < 2) {
      s.kappa_note = "kappa needs at least 2 raters, this study has " + std::to_string(active.size()) + " with ratings";
    } else if (table.empty()) {
      s.kappa_note = "no recommendation has been scored by all " + std::to_string(active.size()) + " raters yet";
    } else {
      s.kappa = fleiss_kappa(table);
      if (!s.kappa.defined) s.kappa_note = s.kappa.reason;
    }
    out.push_back(std::move(s));
  }
  return out;
}

std::string format_table4(const std::vector<SourceRatingStats>& rows) {
  std::string out;
  char buf[512];
  std::snprintf(buf, sizeof buf, "%-20s %-16s %7s %7s  %-29s %8s %10s  %s\n", "source", "dataset", "ratings", "average",
                "share 1/2/3/4/5 (%)", "kappa", "p", "subjects");
  out += buf;
  for (auto& r : rows) {
    char dist[64];
    std::snprintf(dist, sizeof dist, "%5.1f %5.1f %5.1f %5.1f %5.1f", 100 * r.shares[0], 100 * r.shares[1],
                  100 * r.shares[2], 100 * r.shares[3], 100 * r.shares[4]);
    char kappa[32] = "n/a", p[32] = "n/a";
    if (r.kappa.defined) {
      std::snprintf(kappa, sizeof kappa, "%.3f", r.kappa.kappa);
      std::snprintf(p, sizeof p, "%.3g", r.kappa.p_value);
    }
    std::snprintf(buf, sizeof buf, "%-20s %-16s %7lld %7.2f  %-29s %8s %10s  %lld of %lld\n", r.source.c_str(),
                  r.dataset.c_str(), (long long)r.ratings, r.mean, dist, kappa, p, (long long)r.kappa_subjects,
                  (long long)r.recommendations);
    out += buf;
    if (!r.kappa_note.empty()) out += "    kappa: " + r.kappa_note + "\n";
  }
  return out;
}

}  // namespace tmf
