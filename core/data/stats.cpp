#include "data/stats.h"

#include <cstdio>

#include "data/sqlite.h"
#include "util/strings.h"

namespace tmf {

DatasetStats dataset_stats(const Dataset& ds) {
  DatasetStats s;
  s.name = ds.name();
  s.items = ds.item_count();
  s.users = ds.user_count();
  s.events = ds.event_count();
  s.avg_seq_len = s.users ? double(s.events) / double(s.users) : 0;
  s.item_user_ratio = s.users ? double(s.items) / double(s.users) : 0;
  for (auto& b : ds.behaviors()) {
    s.behaviors.push_back(b.name);
    if (b.is_target) s.target_behavior = b.name;
    s.behavior_counts.push_back(0);
  }
  {
    auto st = ds.db().prepare("SELECT behavior_id, count(*) FROM events GROUP BY behavior_id");
    auto bs = ds.behaviors();
    while (st.step())
      for (size_t i = 0; i < bs.size(); ++i)
        if (bs[i].id == st.col_int(0)) s.behavior_counts[i] = st.col_int(1);
  }
  s.items_with_images = ds.db().scalar_int("SELECT count(*) FROM items WHERE image IS NOT NULL");
  return s;
}

std::string format_table1(const std::vector<DatasetStats>& rows) {
  std::string out = "| Dataset | #Items | #Users | Avg. seq. length | Behavior types | #Item/#User |\n";
  out += "|---|---:|---:|---:|---|---:|\n";
  char buf[512];
  for (auto& r : rows) {
    std::vector<std::string> bt;
    for (auto& b : r.behaviors) bt.push_back(b == r.target_behavior ? b + " (target)" : b);
    std::snprintf(buf, sizeof(buf), "| %s | %lld | %lld | %.2f | %s | %.3f |\n", r.name.c_str(), (long long)r.items,
                  (long long)r.users, r.avg_seq_len, join(bt, ", ").c_str(), r.item_user_ratio);
    out += buf;
  }
  return out;
}

}  // namespace tmf
