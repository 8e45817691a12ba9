// A small synthetic world of one of the bundled specs (data/worlds/<spec>.json), generated into an
// empty dataset file with the default split, for tests that train on a world of their own.
#pragma once
#include <string>

#include "data/dataset.h"
#include "data/split.h"
#include "world/generate.h"
#include "world/world_spec.h"

namespace tmf::test {

inline Dataset small_world(const std::string& path, const std::string& spec, uint64_t seed, int64_t items,
                           int64_t users) {
  Dataset ds = Dataset::create(path, spec);
  world::GenerateOptions g;
  g.seed = seed;
  g.items = items;
  g.users = users;
  world::generate_world(world::load_world_spec(std::string(TMF_SOURCE_DIR) + "/data/worlds/" + spec + ".json"), g, ds);
  make_split(ds, SplitOptions{});
  return ds;
}

}  // namespace tmf::test
