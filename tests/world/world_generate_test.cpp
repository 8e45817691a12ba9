// Generation end to end on small worlds: determinism, names, text free of colour/pattern words,
// images that carry the colour, sequence shape, and the modality audit (each single-modality
// predictor clearly above random and far from perfect).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "data/candidates.h"
#include "data/dataset.h"
#include "data/image.h"
#include "data/split.h"
#include "world/audit.h"
#include "world/generate.h"
#include "world/world_spec.h"

namespace fs = std::filesystem;
using namespace tmf::world;

namespace {

std::string tmp_dir() {
  static std::string d = [] {
    auto p = fs::temp_directory_path() / ("tmf_world_test_" + std::to_string(::getpid()));
    fs::create_directories(p);
    return p.string();
  }();
  return d;
}

WorldSpec spec(const std::string& w) { return load_world_spec(std::string(TMF_SOURCE_DIR) + "/data/worlds/" + w + ".json"); }

std::string generate(const std::string& world, const std::string& file, uint64_t seed, int64_t items, int64_t users) {
  const std::string path = tmp_dir() + "/" + file;
  fs::remove(path);
  auto ds = tmf::Dataset::create(path, world);
  GenerateOptions o;
  o.seed = seed;
  o.items = items;
  o.users = users;
  generate_world(spec(world), o, ds);
  tmf::make_split(ds, tmf::SplitOptions{});
  tmf::CandidateOptions co;
  co.seed = seed;
  tmf::make_candidates(ds, co);
  return path;
}

struct WorldTest : ::testing::TestWithParam<std::string> {};

// Removes the generated files when the test program ends.
struct CleanTmp : ::testing::Environment {
  void TearDown() override { fs::remove_all(tmp_dir()); }
};
const auto* const kCleanTmp = ::testing::AddGlobalTestEnvironment(new CleanTmp);

}  // namespace

TEST(WorldGenerate, DeterministicAndSeedSensitive) {
  auto a = generate("pets", "a.tmfdb", 5, 200, 60);
  auto b = generate("pets", "b.tmfdb", 5, 200, 60);
  auto c = generate("pets", "c.tmfdb", 6, 200, 60);
  const auto ha = tmf::Dataset::open(a, true).content_hash();
  EXPECT_EQ(ha, tmf::Dataset::open(b, true).content_hash());
  EXPECT_NE(ha, tmf::Dataset::open(c, true).content_hash());
}

TEST_P(WorldTest, ItemsUsersEventsAndAudit) {
  const std::string world = GetParam();
  const WorldSpec s = spec(world);
  const std::string path = generate(world, world + ".tmfdb", 11, 700, 700);
  auto ds = tmf::Dataset::open(path, true);
  ASSERT_EQ(ds.item_count(), 700);
  ASSERT_EQ(ds.user_count(), 700);
  const auto items = ds.items();

  // Text never names colour or pattern; names are unique and none contains another.
  const auto visual = s.visual_words();
  const std::set<std::string> banned(visual.begin(), visual.end());
  std::set<std::string> names;
  for (const auto& it : items) {
    for (const auto& tok : word_tokens(it.name + " " + it.description + " " + it.categories + " " + it.brand))
      ASSERT_FALSE(banned.count(tok)) << "'" << tok << "' in item " << it.name << ": " << it.description;
    EXPECT_TRUE(names.insert(it.name).second) << it.name;
    auto attrs = nlohmann::json::parse(it.attrs);
    for (const char* k : {"type", "brand", "colour", "pattern", "size", "target", "price"}) EXPECT_TRUE(attrs.contains(k)) << k;
    EXPECT_NE(it.description.find(it.brand), std::string::npos);
  }
  for (const auto& x : items)
    for (const auto& y : items)
      if (x.id != y.id) {
        ASSERT_EQ(y.name.find(x.name), std::string::npos) << x.name << " in " << y.name;
      }

  // Images decode; items of different colours have different dominant colours.
  std::map<std::string, std::set<int>> bins_by_colour;
  for (size_t i = 0; i < 120; ++i) {
    auto img = tmf::decode_image(ds.item_image(items[i].id), items[i].name);
    EXPECT_EQ(img.width, 64);
    auto attrs = nlohmann::json::parse(items[i].attrs);
    if (attrs["pattern"] == "gradient") continue;
    auto h = colour_histogram(img);
    bins_by_colour[attrs["colour"]].insert(int(std::max_element(h.begin(), h.end()) - h.begin()));
  }
  std::set<int> all_bins;
  for (const auto& [c, bins] : bins_by_colour) {
    EXPECT_EQ(bins.size(), 1u) << c;
    all_bins.insert(*bins.begin());
  }
  EXPECT_EQ(all_bins.size(), bins_by_colour.size());

  // Sequences: increasing time, at least two purchases, lengths around the preset's mean.
  const int64_t purchase = ds.target_behavior().id;
  int64_t events = 0;
  ds.for_each_user_events([&](int64_t, const std::vector<tmf::Event>& ev) {
    int p = 0;
    for (size_t i = 0; i < ev.size(); ++i) {
      if (i) {
        ASSERT_GT(ev[i].ts, ev[i - 1].ts);
      }
      p += ev[i].behavior_id == purchase;
    }
    EXPECT_GE(p, 2);
    events += int64_t(ev.size());
  });
  const double avg = double(events) / 700.0;
  EXPECT_NEAR(avg, s.presets.at("demo").avg_len, 0.05 * s.presets.at("demo").avg_len);

  // The audit: every modality carries signal, none solves the task, and it is deterministic.
  AuditResult r = audit_modalities(ds, AuditOptions{});
  EXPECT_EQ(r.candidates_per_row, 11);
  EXPECT_GE(r.rows, 650);
  std::printf("%s", format_audit({r}).c_str());
  for (const char* p : {"image colour", "text overlap", "co-occurrence"}) {
    EXPECT_GT(r.hit_rate(p), 1.0 / 11 + 0.06) << world << " " << p;
    EXPECT_LT(r.hit_rate(p), 0.9) << world << " " << p;
  }
  // Each modality carries signal the others lack: together they beat the best one alone.
  const double best = std::max({r.hit_rate("image colour"), r.hit_rate("text overlap"), r.hit_rate("co-occurrence")});
  EXPECT_GT(r.hit_rate("rank sum of the three"), best + 0.03) << world;
  AuditResult again = audit_modalities(ds, AuditOptions{});
  for (size_t i = 0; i < r.lines.size(); ++i) EXPECT_EQ(r.lines[i].hit_rate, again.lines[i].hit_rate);
}

INSTANTIATE_TEST_SUITE_P(Worlds, WorldTest, ::testing::Values("electronics", "pets", "sports"));
