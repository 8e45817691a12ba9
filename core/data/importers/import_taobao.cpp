// Taobao user behavior dataset (UserBehavior.csv, no header): user id, item id, category id,
// behavior in {pv, cart, fav, buy}, unix timestamp in seconds.
#include <chrono>

#include "data/dataset_writer.h"
#include "data/importers/import.h"
#include "data/importers/record_reader.h"
#include "util/error.h"
#include "util/strings.h"

namespace tmf {

static constexpr const char* kExpectedTaobao =
    "expected Taobao UserBehavior.csv: no header, 5 comma-separated fields per line "
    "(user id, item id, category id, behavior pv|cart|fav|buy, unix seconds)";

ImportReport import_taobao(Dataset& ds, const std::string& path, const Progress& progress) {
  auto t0 = std::chrono::steady_clock::now();
  ImportReport rep;
  rep.format = "taobao";
  LineReader r(path);
  std::string line;
  std::vector<std::string> f;
  int64_t good_in_first = 0, checked = 0;
  DatasetWriter w(ds);
  ds.set_behaviors({"view", "favorite", "add to cart", "purchase"}, "purchase");
  const int64_t ids[4] = {ds.behavior_id("view"), ds.behavior_id("favorite"), ds.behavior_id("add to cart"),
                          ds.behavior_id("purchase")};
  while (r.next(line)) {
    if (trim(line).empty()) continue;
    ++rep.rows_read;
    const int64_t ln = r.line_no();
    parse_csv_line(line, ',', f);
    std::string reason;
    long long user = 0, item = 0, cat = 0, ts = 0;
    int64_t bid = -1;
    if (f.size() != 5) {
      reason = "expected 5 fields, found " + std::to_string(f.size());
    } else if (!parse_int64(f[0], user) || !parse_int64(f[1], item) || !parse_int64(f[2], cat)) {
      reason = "user, item and category ids must be integers";
    } else if (!parse_int64(f[4], ts) || ts < 0) {
      reason = "timestamp '" + f[4] + "' is not a non-negative integer";
    } else {
      std::string b = lower(trim(f[3]));
      bid = b == "pv" ? ids[0] : b == "fav" ? ids[1] : b == "cart" ? ids[2] : b == "buy" ? ids[3] : -1;
      if (bid < 0) reason = "unknown behavior '" + f[3] + "' (expected pv, cart, fav or buy)";
    }
    // A wrong file fails at once: the first rows must parse (a header line or another format).
    if (checked < 5) {
      ++checked;
      if (reason.empty()) ++good_in_first;
      else if (checked == 1 || good_in_first == 0)
        fail("'", path, "' line ", ln, " does not parse (", reason, "); ", kExpectedTaobao);
    }
    if (!reason.empty()) {
      rep.bad(path, ln, reason);
      continue;
    }
    ItemInput in;
    in.external_id = std::to_string(item);
    in.name = "item " + in.external_id;
    in.categories = "category " + std::to_string(cat);
    int64_t item_id = w.item(in, /*update=*/false);
    w.event(w.user(std::to_string(user)), item_id, bid, ts);
    ++rep.rows_ok;
    if (rep.rows_read % 8192 == 0) progress.report("import events", r.fraction(), 1);
  }
  commit_import(rep, w, progress, t0);
  return rep;
}

}  // namespace tmf
