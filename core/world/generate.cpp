#include "world/generate.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include <nlohmann/json.hpp>

#include "data/dataset_writer.h"
#include "util/error.h"
#include "util/rng.h"
#include "world/catalog.h"
#include "world/shopper.h"

namespace tmf::world {
namespace {

constexpr int64_t kEpoch = 1640995200;  // 2022-01-01, start of simulated time
constexpr int64_t kYear = 365LL * 86400;

uint64_t fnv1a(const std::string& s) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
  return h;
}

}  // namespace

GenerateSummary generate_world(const WorldSpec& spec, const GenerateOptions& opts, Dataset& ds,
                               const Progress& progress) {
  auto pit = spec.presets.find(opts.preset);
  if (pit == spec.presets.end()) {
    std::string known;
    for (const auto& [k, v] : spec.presets) known += (known.empty() ? "" : ", ") + k;
    fail("world '", spec.world, "' has no preset '", opts.preset, "'; known: ", known);
  }
  PresetSize size = pit->second;
  if (opts.items > 0) size.items = opts.items;
  if (opts.users > 0) size.users = opts.users;
  if (opts.avg_len > 0) size.avg_len = opts.avg_len;
  TMF_CHECK(size.items >= 20, "a world needs at least 20 items, got ", size.items);
  TMF_CHECK(size.users >= 1 && size.users <= 10000000, "users must be 1..10000000, got ", size.users);
  TMF_CHECK(size.avg_len >= 6 && size.avg_len <= 1000, "avg_len must be 6..1000, got ", size.avg_len);
  TMF_CHECK(ds.item_count() == 0 && ds.event_count() == 0, "dataset ", ds.path(), " is not empty (",
            ds.item_count(), " items)");

  const Rng root(opts.seed ^ fnv1a(spec.world));
  Rng item_rng = root.fork(1);
  progress.report("generate:items", 0, double(size.items), spec.world);
  const std::vector<WorldItem> items = make_catalog(spec, size.items, item_rng);

  ds.set_behaviors(behavior_names(), "purchase");
  const int64_t b_ids[3] = {ds.behavior_id(behavior_names()[0]), ds.behavior_id(behavior_names()[1]),
                            ds.behavior_id(behavior_names()[2])};
  DatasetWriter w(ds);
  std::vector<int64_t> item_ids(items.size());
  for (size_t i = 0; i < items.size(); ++i) {
    item_ids[i] = w.item(item_input(spec, items[i], i), /*update=*/false);
    if (i % 500 == 0) progress.report("generate:items", double(i), double(items.size()), spec.world);
  }

  const Market market(spec, items);
  const Rng user_root = root.fork(2);
  GenerateSummary sum;
  for (int64_t u = 0; u < size.users; ++u) {
    Rng rng = user_root.fork(uint64_t(u));
    const Profile p = make_profile(market, rng);
    const double sd = 0.35 * size.avg_len;
    const int length = int(std::clamp(std::lround(size.avg_len + sd * rng.normal()), 6L, long(3 * size.avg_len)));
    const int64_t start = kEpoch + int64_t(rng.below(uint64_t(kYear)));
    const auto events = simulate_user(market, p, length, start, rng);
    nlohmann::json attrs = {{"target", p.target >= 0 ? spec.targets[size_t(p.target)].key : std::string()},
                            {"size_pos", std::round(p.size_pos * 100) / 100}};
    for (int b : p.brands) attrs["brands"].push_back(spec.brands[size_t(b)].name);
    for (int c : p.colours) attrs["colours"].push_back(spec.colours[size_t(c)].name);
    for (int c : p.patterns) attrs["patterns"].push_back(spec.patterns[size_t(c)].name);
    char ext[32];
    std::snprintf(ext, sizeof ext, "u%07lld", static_cast<long long>(u + 1));
    const int64_t uid = w.user(ext, attrs.dump());
    for (const auto& e : events) w.event(uid, item_ids[size_t(e.item)], b_ids[int(e.act)], e.ts);
    sum.events += int64_t(events.size());
    if (u % 200 == 0) progress.report("generate:users", double(u), double(size.users), spec.world);
  }
  ds.set_meta("generator", nlohmann::json({{"world", spec.world}, {"preset", opts.preset}, {"seed", opts.seed},
                                           {"items", size.items}, {"users", size.users},
                                           {"avg_len", size.avg_len}}).dump());
  w.commit();
  progress.report("generate:users", double(size.users), double(size.users), spec.world);
  sum.items = int64_t(items.size());
  sum.users = size.users;
  return sum;
}

}  // namespace tmf::world
