#include "rating_fixture.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <unordered_map>

#include "data/candidates.h"
#include "data/dataset_writer.h"
#include "data/image.h"
#include "data/split.h"

namespace tmf::rating_test {

TempDir::TempDir() {
  std::string base = std::string(TMF_BINARY_DIR) + "/test-tmp";
  std::filesystem::create_directories(base);
  std::string tmpl = base + "/rating-XXXXXX";
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

std::string make_rating_dataset(const std::string& path) {
  Dataset ds = Dataset::create(path, "rating-world");
  {
    DatasetWriter w(ds);
    ds.set_behaviors({"view", "cart", "purchase"}, "purchase");
    std::vector<int64_t> items;
    for (int i = 0; i < 40; ++i) {
      ItemInput in;
      in.external_id = "i" + std::to_string(i);
      in.name = "Gadget " + std::to_string(i);
      in.brand = i % 2 ? "Acme" : "Zenith";
      in.categories = "Things|Small";
      in.description = "A small thing number " + std::to_string(i);
      if (i % 3 == 0) {
        RgbImage img;
        img.width = img.height = 8;
        img.rgb.assign(8 * 8 * 3, uint8_t(i * 6));
        in.image = encode_png(img);
      }
      items.push_back(w.item(in));
    }
    const int64_t view = ds.behavior_id("view"), cart = ds.behavior_id("cart"), buy = ds.behavior_id("purchase");
    for (int u = 0; u < 24; ++u) {
      const int64_t user = w.user("u" + std::to_string(u));
      const int64_t beh[6] = {view, cart, buy, view, view, buy};
      for (int k = 0; k < 6; ++k) w.event(user, items[size_t((u * 5 + k * 7) % 40)], beh[k], 100 * u + k);
    }
    w.commit();
  }
  make_split(ds, SplitOptions{});
  make_candidates(ds, CandidateOptions{});
  return path;
}

int64_t make_study(Dataset& ds, int n, const std::vector<std::string>& raters) {
  RatingStudySpec spec;
  spec.name = "s";
  spec.n_sequences = n;
  spec.seed = 7;
  spec.raters = raters;
  const int64_t id = create_study(ds, spec);
  std::unordered_map<int64_t, CandidateRow> cands;
  for (auto& c : load_candidates(ds, candidate_set_id(ds, "default", "default"), "test")) cands[c.row_id] = c;
  std::vector<Recommendation> a, b;
  int k = 0;
  for (auto& q : study_sequences(ds, id)) {
    const CandidateRow& c = cands.at(q.split_row_id);
    const int first = c.truth_pos == 0 ? 1 : 0;
    a.push_back({q.id, c.items[size_t(first)]});
    b.push_back({q.id, k++ % 2 ? c.truth() : c.items[size_t(first)]});
  }
  add_source(ds, id, kSourceA, "tmf", kOriginA, a);
  add_source(ds, id, kSourceB, "baseline", "{\"model\":\"secret-beta\"}", b);
  return id;
}

}  // namespace tmf::rating_test
