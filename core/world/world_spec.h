// A world spec: the vocabulary of one synthetic e-commerce world (design tmf.md §6), read from
// data/worlds/<world>.json — item types with their complements, rendering shape, sizes, target
// groups and product lines; brands with a price band; colours (name + RGB) and patterns, which
// appear only in the rendered images; and the item/user counts of the `demo` and `paper` presets.
// load_world_spec validates everything the generator relies on and names the file and field in
// every error. Limits: colours must stay clear of the light image background; pattern and shape
// names must be ones product_image.h can draw.
#pragma once
#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace tmf::world {

struct TargetGroup {
  std::string key;    // "kids"
  std::string label;  // "Kids'" (as written in titles)
};

struct PriceBand {
  std::string name;
  double factor = 1;  // multiplies the type's price range
};

struct Brand {
  std::string name;
  int band = 0;  // index into WorldSpec::price_bands
};

struct Colour {
  std::string name;
  std::array<uint8_t, 3> rgb{};
};

struct Pattern {
  std::string name;                // one of product_image.h's patterns
  std::vector<std::string> words;  // words that name it; none may appear in item text
};

struct ItemType {
  std::string key, title, subcategory, shape;
  double weight = 1;                     // relative share of the catalog and of shopping intents
  std::vector<std::string> lines;        // product lines ("ProBuds")
  std::vector<std::string> sizes;        // empty: the type has no sizes
  std::vector<int> targets;              // indices into WorldSpec::targets; empty: for everyone
  double price_lo = 1, price_hi = 1;
  std::vector<int> complements;          // indices into WorldSpec::types
  std::vector<std::string> features;     // description phrases
};

struct PresetSize {
  int64_t items = 0, users = 0;
  double avg_len = 0;  // events per user
};

struct WorldSpec {
  std::string world;     // "electronics"
  std::string category;  // top category, "Electronics"
  std::string id_prefix; // external id prefix of items, "EL"
  std::map<std::string, PresetSize> presets;  // "demo", "paper"
  std::vector<TargetGroup> targets;
  std::vector<PriceBand> price_bands;
  std::vector<Brand> brands;
  std::vector<Colour> colours;
  std::vector<Pattern> patterns;
  std::vector<ItemType> types;

  // Every word (lower case) that would reveal an item's colour or pattern.
  std::vector<std::string> visual_words() const;
};

// Parses and validates one spec; `what` names it in errors (a path).
WorldSpec parse_world_spec(const std::string& json_text, const std::string& what);
WorldSpec load_world_spec(const std::string& path);
// The worlds found in a directory (<name>.json), sorted by name.
std::vector<std::string> list_worlds(const std::string& dir);
// The spec directory used when no --spec-dir is given: $TMF_WORLDS_DIR, else an installation's
// <prefix>/share/tmf-studio/worlds beside <prefix>/bin/<this program>, else the source tree's
// data/worlds.
std::string default_spec_dir();

// Lower-case word tokens of a text (letters and digits; everything else separates).
std::vector<std::string> word_tokens(const std::string& text);

}  // namespace tmf::world
