// libFuzzer target: the importers end to end, each into a fresh SQLite dataset on /dev/shm. The
// first byte picks the importer (generic CSV with ISO 8601 times and a catalog-free mapping,
// generic JSON lines with unix times, RecBole .inter, Retailrocket, Taobao); the rest is the file.
// A fresh dataset per input is a byte copy of an empty one made once (creating the schema each time
// made the target 3x slower: 97 against 312 inputs/s here). Still slow: run it for minutes, the
// record readers have their own target.
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
  static const std::string empty = [] {
    const std::string t = dir + "-empty.tmfdb";
    fs::remove(t);
    tmf::Dataset::create(t, "fuzz");  // closed at once: the WAL is folded into the file
    return t;
  }();
  fs::remove_all(dir);
  fs::create_directories(dir);
  fs::copy_file(empty, dir + "/d.tmfdb");
  const int kind = data[0] % 5;
  const char* names[] = {"events.csv", "events.jsonl", "x.inter", "events.csv", "UserBehavior.csv"};
  const std::string input = dir + "/" + names[kind];
  tmf::write_file_atomic(input, std::string_view(reinterpret_cast<const char*>(data + 1), size - 1));
  tmf::fuzz::expect_clean([&] {
    tmf::Dataset ds = tmf::Dataset::open(dir + "/d.tmfdb");
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
