#include <gtest/gtest.h>

#include <string>

#include "util/error.h"
#include "util/json_file.h"

using namespace tmf;

// 60,000 levels once overflowed the stack in nlohmann's parser and serializer; now a clear error
// naming the source and the line, before any parse.
TEST(JsonDepth, DeepNestingIsAClearErrorNotACrash) {
  const std::string deep = "{\"a\":\n" + std::string(60000, '[') + std::string(60000, ']') + "}";
  try {
    parse_json(deep, "events.jsonl line 7");
    FAIL() << "a 60,000-level document was parsed";
  } catch (const Error& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("events.jsonl line 7"), std::string::npos) << m;
    EXPECT_NE(m.find("deeper than 256"), std::string::npos) << m;
    EXPECT_NE(m.find("(line 2)"), std::string::npos) << m;
  }
  EXPECT_THROW(check_json_depth(std::string(257, '['), "x"), Error);
}

TEST(JsonDepth, OrdinaryAndBracketsInStringsPass) {
  const std::string nested = std::string(256, '[') + std::string(256, ']');
  EXPECT_NO_THROW(check_json_depth(nested, "x"));
  // Brackets and escaped quotes inside strings are text, not nesting.
  const std::string text = "{\"name\": \"" + std::string(1000, '[') + "\\\"" + std::string(1000, '{') + "\"}";
  EXPECT_EQ(parse_json(text, "x")["name"].get<std::string>().size(), 2001u);
  try {
    parse_json("{\"a\": [1, 2", "request.json");
    FAIL() << "invalid JSON was parsed";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("request.json: invalid JSON"), std::string::npos) << e.what();
  }
}
