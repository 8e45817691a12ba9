// Retailrocket e-commerce dataset (events.csv): header `timestamp,visitorid,event,itemid,
// transactionid`; timestamps in milliseconds; event in {view, addtocart, transaction}.
#include <chrono>

#include "data/dataset_writer.h"
#include "data/importers/import.h"
#include "data/importers/record_reader.h"
#include "util/error.h"
#include "util/strings.h"

namespace tmf {

ImportReport import_retailrocket(Dataset& ds, const std::string& path, const Progress& progress) {
  auto t0 = std::chrono::steady_clock::now();
  ImportReport rep;
  rep.format = "retailrocket";
  CsvReader r(path);
  std::vector<std::string> f;
  TMF_CHECK(r.next(f), "'", path, "' is empty; expected Retailrocket events.csv with header timestamp,visitorid,event,itemid,transactionid");
  for (auto& x : f) x = lower(trim(x));
  TMF_CHECK(f.size() == 5 && f[0] == "timestamp" && f[1] == "visitorid" && f[2] == "event" && f[3] == "itemid" &&
                f[4] == "transactionid",
            "'", path, "' line 1 is '", join(f, ","), "'; expected Retailrocket events.csv with header "
            "timestamp,visitorid,event,itemid,transactionid");
  DatasetWriter w(ds);
  ds.set_behaviors({"view", "add to cart", "purchase"}, "purchase");
  const int64_t view = ds.behavior_id("view"), cart = ds.behavior_id("add to cart"), buy = ds.behavior_id("purchase");
  while (r.next(f)) {
    if (f.size() == 1 && trim(f[0]).empty()) continue;
    ++rep.rows_read;
    const int64_t ln = r.line_no();
    if (f.size() != 5) {
      rep.bad(path, ln, "expected 5 fields, found " + std::to_string(f.size()));
      continue;
    }
    long long ts_ms;
    if (!parse_int64(f[0], ts_ms) || ts_ms < 0) {
      rep.bad(path, ln, "timestamp '" + f[0] + "' is not a non-negative integer (milliseconds)");
      continue;
    }
    std::string ev = lower(trim(f[2]));
    int64_t bid = ev == "view" ? view : ev == "addtocart" ? cart : ev == "transaction" ? buy : -1;
    if (bid < 0) {
      rep.bad(path, ln, "unknown event '" + f[2] + "' (expected view, addtocart or transaction)");
      continue;
    }
    std::string visitor(trim(f[1])), item(trim(f[3]));
    if (visitor.empty() || item.empty()) {
      rep.bad(path, ln, "empty visitorid or itemid");
      continue;
    }
    if (ev == "transaction" && trim(f[4]).empty()) {
      rep.bad(path, ln, "transaction without transactionid");
      continue;
    }
    w.event(w.user(visitor), w.item_ref(item), bid, ts_ms / 1000);
    ++rep.rows_ok;
    if (rep.rows_read % 8192 == 0) progress.report("import events", r.fraction(), 1);
  }
  commit_import(rep, w, progress, t0);
  return rep;
}

}  // namespace tmf
