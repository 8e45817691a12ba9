// libFuzzer target: the rating study CSV readers against a small study made once on /dev/shm
// (24 users, 40 items, a split, a candidate set, a study of 8 sequences with two sources and two
// raters). The first byte picks the reader:
//   even: import_ratings_csv (rater,user,item,score[,dataset...]) into a fresh copy of the dataset,
//         so that every input starts from the same study;
//   odd:  read_recommendations_csv (user,item), read-only.
// Any file must give a report or a tmf::Error. Slower than the record readers (a dataset copy per
// even input): run it for minutes.
#include <unistd.h>

#include <filesystem>
#include <unordered_map>

#include "data/candidates.h"
#include "data/dataset.h"
#include "data/dataset_writer.h"
#include "data/split.h"
#include "fuzz_util.h"
#include "rating/rating_csv.h"
#include "rating/rating_study.h"

namespace fs = std::filesystem;

namespace {
struct Study {
  std::string dir, pristine;
  int64_t study_id = 0;
  size_t sequences = 0;
  Study() {
    dir = "/dev/shm/tmf-fuzz-rating-" + std::to_string(::getpid());
    fs::remove_all(dir);
    fs::create_directories(dir);
    pristine = dir + "/pristine.tmfdb";
    tmf::Dataset ds = tmf::Dataset::create(pristine, "rating-fuzz");
    ds.set_behaviors({"view", "cart", "purchase"}, "purchase");
    {
      tmf::DatasetWriter w(ds);
      std::vector<int64_t> items;
      for (int i = 0; i < 40; ++i) {
        tmf::ItemInput in;
        in.external_id = "i" + std::to_string(i);
        in.name = "Gadget " + std::to_string(i);
        items.push_back(w.item(in));
      }
      const int64_t beh[6] = {ds.behavior_id("view"), ds.behavior_id("cart"), ds.behavior_id("purchase"),
                              ds.behavior_id("view"), ds.behavior_id("view"), ds.behavior_id("purchase")};
      for (int u = 0; u < 24; ++u) {
        const int64_t user = w.user("u" + std::to_string(u));
        for (int k = 0; k < 6; ++k) w.event(user, items[size_t((u * 5 + k * 7) % 40)], beh[k], 100 * u + k);
      }
      w.commit();
    }
    tmf::make_split(ds, tmf::SplitOptions{});
    tmf::make_candidates(ds, tmf::CandidateOptions{});
    tmf::RatingStudySpec spec;
    spec.name = "s";
    spec.n_sequences = 8;
    spec.seed = 7;
    spec.raters = {"ann", "bob"};
    study_id = tmf::create_study(ds, spec);
    std::unordered_map<int64_t, tmf::CandidateRow> cands;
    for (auto& c : tmf::load_candidates(ds, tmf::candidate_set_id(ds, "default", "default"), "test")) cands[c.row_id] = c;
    std::vector<tmf::Recommendation> a, b;
    for (auto& q : tmf::study_sequences(ds, study_id)) {
      const tmf::CandidateRow& c = cands.at(q.split_row_id);
      a.push_back({q.id, c.items[0]});
      b.push_back({q.id, c.truth()});
    }
    sequences = a.size();
    tmf::add_source(ds, study_id, "alpha", "tmf", "{}", a);
    tmf::add_source(ds, study_id, "beta", "baseline", "{}", b);
  }
};
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  static Study study;
  static tmf::Dataset pristine = tmf::Dataset::open(study.pristine, /*read_only=*/true);
  tmf::fuzz::MemFile file(data + 1, size - 1);
  if (data[0] % 2 == 0) {
    const std::string work = study.dir + "/work.tmfdb";
    for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(work + suffix);
    fs::copy_file(study.pristine, work);
    tmf::fuzz::expect_clean([&] {
      tmf::Dataset ds = tmf::Dataset::open(work);
      const tmf::RatingImportReport r = tmf::import_ratings_csv(ds, "s", file.path(), data[0] % 4 == 0);
      (void)r.summary();
      if (r.added + r.unchanged > r.rows) std::abort();  // the report must add up
    });
  } else {
    tmf::fuzz::expect_clean([&] {
      const tmf::CsvRecommendations r = tmf::read_recommendations_csv(pristine, study.study_id, file.path());
      if (r.recs.size() > study.sequences) std::abort();  // at most one recommendation per sampled sequence
    });
  }
  return 0;
}
