// World specs: the bundled specs load and validate; bad specs fail with errors naming the problem.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "util/error.h"
#include "util/strings.h"
#include "world/world_spec.h"

using namespace tmf::world;

static std::string spec_path(const std::string& w) { return std::string(TMF_SOURCE_DIR) + "/data/worlds/" + w + ".json"; }

TEST(WorldSpec, BundledWorldsLoad) {
  auto names = list_worlds(std::string(TMF_SOURCE_DIR) + "/data/worlds");
  ASSERT_EQ(names, (std::vector<std::string>{"electronics", "pets", "sports"}));
  for (const auto& n : names) {
    WorldSpec s = load_world_spec(spec_path(n));
    EXPECT_EQ(s.world, n);
    EXPECT_GE(s.types.size(), 10u);
    EXPECT_TRUE(s.presets.count("demo") && s.presets.count("paper"));
    for (const auto& t : s.types) EXPECT_FALSE(t.complements.empty()) << n << " " << t.key;
  }
  // Table 1 of the paper.
  EXPECT_EQ(load_world_spec(spec_path("electronics")).presets.at("paper").items, 48270);
  EXPECT_EQ(load_world_spec(spec_path("pets")).presets.at("paper").users, 17228);
  EXPECT_EQ(load_world_spec(spec_path("sports")).presets.at("paper").avg_len, 24);
}

static std::string mutated(const std::function<void(nlohmann::json&)>& f) {
  auto j = nlohmann::json::parse(tmf::read_file(spec_path("sports")));
  f(j);
  return j.dump();
}

static std::string error_of(const std::string& text) {
  try {
    parse_world_spec(text, "test.json");
  } catch (const tmf::Error& e) {
    return e.what();
  }
  return "";
}

TEST(WorldSpec, RejectsBadSpecs) {
  EXPECT_NE(error_of("{ not json").find("not valid JSON"), std::string::npos);
  EXPECT_NE(error_of(mutated([](auto& j) { j["types"][0]["complements"].push_back("hovercraft"); }))
                .find("unknown complement type 'hovercraft'"), std::string::npos);
  EXPECT_NE(error_of(mutated([](auto& j) { j["types"][0]["shape"] = "spaceship"; })).find("shape 'spaceship'"),
            std::string::npos);
  EXPECT_NE(error_of(mutated([](auto& j) { j["types"][0]["features"][0] = "comes in red"; })).find("'red'"),
            std::string::npos);
  EXPECT_NE(error_of(mutated([](auto& j) { j["brands"][0]["name"] = "Striped Co"; })).find("'striped'"),
            std::string::npos);
  EXPECT_NE(error_of(mutated([](auto& j) { j["colours"][0]["rgb"] = {236, 236, 230}; })).find("background"),
            std::string::npos);
  EXPECT_NE(error_of(mutated([](auto& j) { j["types"][0]["lines"][0] = "AB123"; })).find("model-code"),
            std::string::npos);
  EXPECT_NE(error_of(mutated([](auto& j) { j.erase("brands"); })).find("missing field 'brands'"), std::string::npos);
}
