// The item catalog of a synthetic world: every item is type x brand x colour x pattern x size x
// target with a price, a unique model code, a human-like name ("Voltix AirTone KQ412 Kids'
// Wireless Headphones") and a description that carry brand, size, target and type but never
// colour or pattern. Also each item's popularity (Zipf over a random order) and its "partners":
// one item of each complementary type that it is typically bought with — a relation only the
// behavior graph reveals (it ignores brand, colour and text).
//
// Names are unique and none is a substring of another: each holds a distinct code of two capitals
// and three digits between spaces, and the spec guarantees no other word looks like a code.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "data/dataset_writer.h"
#include "util/rng.h"
#include "world/world_spec.h"

namespace tmf::world {

constexpr double kZipfExponent = 0.9;

struct WorldItem {
  int type = 0, brand = 0, colour = 0, pattern = 0;
  int size = -1, target = -1;  // -1: the type has no sizes / no target groups
  double price = 0;
  std::string code, name, description, categories;
  double popularity = 0;       // unnormalised Zipf weight
  std::vector<int> partners;   // item indices, one per complement type (when that type has items)
};

std::vector<WorldItem> make_catalog(const WorldSpec& spec, int64_t n_items, Rng& rng);

// The item as written to the dataset: external id "<prefix><index>", attrs JSON, PNG image.
ItemInput item_input(const WorldSpec& spec, const WorldItem& item, size_t index);

}  // namespace tmf::world
