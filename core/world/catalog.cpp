#include "world/catalog.h"

#include <cmath>
#include <cstdio>
#include <unordered_set>

#include <nlohmann/json.hpp>

#include "data/image.h"
#include "util/error.h"
#include "world/product_image.h"

namespace tmf::world {

std::vector<WorldItem> make_catalog(const WorldSpec& spec, int64_t n_items, Rng& rng) {
  TMF_CHECK(n_items >= 1 && n_items <= 600000, "a world needs 1..600000 items, got ", n_items);
  std::vector<double> type_w;
  for (const auto& t : spec.types) type_w.push_back(t.weight);
  std::vector<WorldItem> items(static_cast<size_t>(n_items));
  std::unordered_set<std::string> codes;
  std::vector<std::vector<int>> by_type(spec.types.size());
  for (size_t i = 0; i < items.size(); ++i) {
    WorldItem& it = items[i];
    it.type = int(rng.weighted(type_w));
    const ItemType& t = spec.types[size_t(it.type)];
    it.brand = int(rng.below(spec.brands.size()));
    it.colour = int(rng.below(spec.colours.size()));
    it.pattern = int(rng.below(spec.patterns.size()));
    if (!t.sizes.empty()) it.size = int(rng.below(t.sizes.size()));
    if (!t.targets.empty()) it.target = t.targets[rng.below(t.targets.size())];
    const double factor = spec.price_bands[size_t(spec.brands[size_t(it.brand)].band)].factor;
    const double base = t.price_lo + (t.price_hi - t.price_lo) * rng.uniform();
    it.price = std::max(1.0, std::floor(base * factor)) + 0.99;
    do {
      char buf[8];
      std::snprintf(buf, sizeof buf, "%c%c%03d", char('A' + rng.below(26)), char('A' + rng.below(26)),
                    int(rng.below(1000)));
      it.code = buf;
    } while (!codes.insert(it.code).second);
    const std::string& brand = spec.brands[size_t(it.brand)].name;
    const std::string& line = t.lines[rng.below(t.lines.size())];
    const std::string target = it.target >= 0 ? spec.targets[size_t(it.target)].label + " " : std::string();
    it.name = brand + " " + line + " " + it.code + " " + target + t.title;
    std::string desc = (it.target >= 0 ? target : std::string()) + t.title + " by " + brand + ".";
    if (it.size >= 0) desc += " Size: " + t.sizes[size_t(it.size)] + ".";
    std::string feature = t.features[rng.below(t.features.size())];
    if (!feature.empty()) feature[0] = char(std::toupper(static_cast<unsigned char>(feature[0])));
    desc += " " + feature + ".";
    it.description = desc;
    it.categories = spec.category + "|" + t.subcategory + "|" + t.title;
    by_type[size_t(it.type)].push_back(int(i));
  }
  // Popularity: Zipf over a random order of the items.
  std::vector<size_t> order(items.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  rng.shuffle(order);
  for (size_t r = 0; r < order.size(); ++r) items[order[r]].popularity = 1.0 / std::pow(double(r + 1), kZipfExponent);
  // Partners: one random item per complementary type.
  for (auto& it : items) {
    for (int c : spec.types[size_t(it.type)].complements) {
      const auto& pool = by_type[size_t(c)];
      if (!pool.empty()) it.partners.push_back(pool[rng.below(pool.size())]);
    }
  }
  return items;
}

ItemInput item_input(const WorldSpec& spec, const WorldItem& item, size_t index) {
  const ItemType& t = spec.types[size_t(item.type)];
  char id[32];
  std::snprintf(id, sizeof id, "%s%06zu", spec.id_prefix.c_str(), index + 1);
  ItemInput in;
  in.external_id = id;
  in.name = item.name;
  in.brand = spec.brands[size_t(item.brand)].name;
  in.categories = item.categories;
  in.description = item.description;
  nlohmann::json attrs = {
      {"type", t.key},
      {"brand", in.brand},
      {"colour", spec.colours[size_t(item.colour)].name},
      {"pattern", spec.patterns[size_t(item.pattern)].name},
      {"size", item.size >= 0 ? t.sizes[size_t(item.size)] : std::string()},
      {"target", item.target >= 0 ? spec.targets[size_t(item.target)].key : std::string()},
      {"price", item.price},
      {"code", item.code},
  };
  in.attrs = attrs.dump();
  in.image = encode_png(render_product(t.shape, spec.colours[size_t(item.colour)].rgb,
                                       spec.patterns[size_t(item.pattern)].name, int(index % 4)));
  return in;
}

}  // namespace tmf::world
