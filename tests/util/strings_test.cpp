// String helpers: strict number parsing and the text check of stored ids and names.
#include <gtest/gtest.h>

#include <string>

#include "util/error.h"
#include "util/strings.h"

using namespace tmf;

TEST(TextCheck, Utf8AndNul) {
  EXPECT_EQ(text_problem("plain"), "");
  EXPECT_EQ(text_problem("\xE2\x82\xAC \xF0\x9F\x98\x80"), "");  // euro sign, an emoji
  EXPECT_EQ(text_problem(std::string("a\0b", 3)), "a NUL byte at byte 2");
  EXPECT_EQ(text_problem("ab\xC0\xAF"), "invalid UTF-8 at byte 3");  // overlong '/'
  EXPECT_EQ(text_problem("\xF4\x90\x80\x80"), "invalid UTF-8 at byte 1");  // above U+10FFFF
  EXPECT_EQ(text_problem("\xE2\x82"), "invalid UTF-8 at byte 1");  // truncated
  EXPECT_THROW(check_text(std::string("x\0", 2), "rater name"), Error);
}

// Found by fuzz_records (issue 19): an integral float outside long long's range was cast to it
// (undefined behaviour, UBSan report) instead of being refused.
TEST(ParseInt64, RefusesWhatDoesNotFitAndKeepsIntegralFloats) {
  long long v = 0;
  EXPECT_FALSE(parse_int64("5.55556e+23", v));
  EXPECT_FALSE(parse_int64("99999999999999999999", v));
  EXPECT_FALSE(parse_int64("-1e19", v));
  EXPECT_FALSE(parse_int64("nan", v));
  EXPECT_FALSE(parse_int64("12.5", v));
  ASSERT_TRUE(parse_int64("881250949.0", v));
  EXPECT_EQ(v, 881250949);
  ASSERT_TRUE(parse_int64(" -42 ", v));
  EXPECT_EQ(v, -42);
  ASSERT_TRUE(parse_int64("9223372036854775807", v));
  EXPECT_EQ(v, 9223372036854775807LL);
}
