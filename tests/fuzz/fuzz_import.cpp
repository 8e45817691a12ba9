// libFuzzer target: the importers end to end, each into a fresh SQLite dataset on /dev/shm. The
// first byte picks the importer (generic CSV with ISO 8601 times and a catalog-free mapping,
// generic JSON lines with unix times, RecBole .inter, Retailrocket, Taobao); the rest is the file.
// Slow (a dataset per input, ~1 ms): run it for minutes, the record readers have their own target.
#include <unistd.h>

#include <filesystem>

#include "data/dataset.h"
#include "data/importers/import.h"
#include "fuzz_util.h"
#include "util/strings.h"

namespace fs = std::filesystem;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  static const std::string dir = "/dev/shm/tmf-fuzz-import-" + std::to_string(::getpid());
  fs::remove_all(dir);
  fs::create_directories(dir);
  const int kind = data[0] % 5;
  const char* names[] = {"events.csv", "events.jsonl", "x.inter", "events.csv", "UserBehavior.csv"};
  const std::string input = dir + "/" + names[kind];
  tmf::write_file_atomic(input, std::string_view(reinterpret_cast<const char*>(data + 1), size - 1));
  tmf::fuzz::expect_clean([&] {
    tmf::Dataset ds = tmf::Dataset::create(dir + "/d.tmfdb", "fuzz");
    tmf::ImportReport r;
    if (kind <= 1) {
      tmf::GenericOptions o;
      o.events_path = input;
      o.events_format = kind == 0 ? "csv" : "jsonl";
      o.event_map = tmf::parse_mapping("user=u,item=i,behavior=b,time=t", "map");
      o.time_format = kind == 0 ? "iso8601" : "unix";
      o.behaviors = {"view", "cart", "purchase"};
      o.target = "purchase";
      o.behavior_aliases = {{"pv", "view"}, {"buy", "purchase"}};
      r = tmf::import_generic(ds, o, {});
    } else if (kind == 2) {
      r = tmf::import_recbole(ds, input, tmf::RecboleOptions{}, {});
    } else if (kind == 3) {
      r = tmf::import_retailrocket(ds, input, {});
    } else {
      r = tmf::import_taobao(ds, input, {});
    }
    (void)r.summary();
    if (r.rows_ok > r.rows_read) std::abort();  // the report must add up
    if (r.malformed_count > r.rows_read) std::abort();
  });
  return 0;
}
