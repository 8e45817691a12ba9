#include "test_util.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "data/dataset_writer.h"
#include "util/strings.h"

namespace tmf::test {

TempDir::TempDir() {
  std::string base = std::string(TMF_BINARY_DIR) + "/test-tmp";
  std::filesystem::create_directories(base);
  std::string tmpl = base + "/t-XXXXXX";
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  if (!::mkdtemp(buf.data())) std::abort();
  path_ = buf.data();
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

void TempDir::write(const std::string& name, const std::string& content) const {
  std::ofstream out(file(name), std::ios::binary);
  out << content;
}

Dataset make_dataset(const std::string& path, int n_items, const std::vector<std::string>& events) {
  Dataset ds = Dataset::create(path, "hand-made");
  DatasetWriter w(ds);
  ds.set_behaviors({"view", "cart", "purchase"}, "purchase");
  for (int i = 1; i <= n_items; ++i) {
    ItemInput in;
    in.external_id = "i" + std::to_string(i);
    in.name = "Item " + std::to_string(i);
    in.categories = i % 2 ? "Cat|A" : "Cat|B";
    w.item(in);
  }
  for (auto& e : events) {
    auto f = split_ws(e);
    long long ts;
    parse_int64(f[3], ts);
    w.event(w.user(f[0]), w.item_ref(f[1]), ds.behavior_id(f[2]), ts);
  }
  w.commit();
  return ds;
}

}  // namespace tmf::test
