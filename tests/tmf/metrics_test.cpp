#include <gtest/gtest.h>

#include "prompt/answer_match.h"

using namespace tmf;

TEST(AnswerMatch, ExactlyOneCandidateIsValid) {
  std::vector<std::string> c = {"Heat (1995)", "Fargo (1996)", "Toy Story (1995)"};
  auto m = match_answer("  Fargo (1996)\nand more text", c);
  EXPECT_TRUE(m.valid());
  EXPECT_EQ(m.choice(), 1);
  EXPECT_FALSE(match_answer("no idea", c).valid());                     // none named
  EXPECT_TRUE(match_answer("no idea", c).named.empty());
  auto two = match_answer("heat (1995) or fargo (1996)", c);            // two named
  EXPECT_FALSE(two.valid());
  EXPECT_EQ(two.named.size(), 2u);
  EXPECT_EQ(match_answer("FARGO (1996)", c).choice(), 1);               // case
  EXPECT_FALSE(match_answer("first line\nFargo (1996)", c).valid());    // only the first line counts
}

TEST(AnswerMatch, SubstringTitlesAreNotAmbiguous) {
  std::vector<std::string> c = {"Heat", "Heat Wave", "Eat"};
  auto m = match_answer("Heat Wave", c);
  ASSERT_TRUE(m.valid());
  EXPECT_EQ(m.choice(), 1);        // "Heat" lies inside "Heat Wave"; "Eat" is not at a word boundary
  EXPECT_EQ(match_answer("Heat", c).choice(), 0);
  EXPECT_EQ(match_answer("the answer is: Eat.", c).choice(), 2);
}

TEST(AnswerMatch, HitStatsBothConventions) {
  HitStats s;
  std::vector<std::string> c = {"A1", "B2"};
  s.add(match_answer("A1", c), 0);  // hit
  s.add(match_answer("B2", c), 0);  // valid miss
  s.add(match_answer("??", c), 0);  // invalid
  s.add(match_answer("A1", c), 0);  // hit
  EXPECT_EQ(s.n, 4);
  EXPECT_EQ(s.n_valid, 3);
  EXPECT_EQ(s.n_hit, 2);
  EXPECT_DOUBLE_EQ(s.hit_rate_all(), 0.5);
  EXPECT_DOUBLE_EQ(s.hit_rate_valid(), 2.0 / 3);
  EXPECT_DOUBLE_EQ(s.valid_ratio(), 0.75);
  EXPECT_DOUBLE_EQ(HitStats{}.hit_rate_valid(), 0.0);
}
