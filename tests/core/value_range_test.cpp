// The one reading of a number within its range, for front ends that get text (the web server's
// query parameters): the whole text, finite, within the bounds, or a message in the one wording.
#include "emomusic/core/value_range.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace emomusic {
namespace {

constexpr ValueRange<int> kLimit{1, 1000};
constexpr ValueRange<double> kShare{0.0, 1.0};

std::string refusal(std::string_view text) {
  try {
    parse_in_range(text, kLimit, "parameter limit");
  } catch (const UsageError& e) {
    return e.what();
  }
  return "accepted";
}

TEST(ValueRange, ParsesTheWholeTextWithinTheBounds) {
  EXPECT_EQ(parse_in_range("1", kLimit, "limit"), 1);
  EXPECT_EQ(parse_in_range("1000", kLimit, "limit"), 1000);
  EXPECT_DOUBLE_EQ(parse_in_range("0.25", kShare, "share"), 0.25);
  EXPECT_DOUBLE_EQ(parse_in_range("1e-1", kShare, "share"), 0.1);
}

TEST(ValueRange, RefusesWhatIsNotAllANumberInRangeNamingTheFieldAndTheText) {
  EXPECT_EQ(refusal("0"), "parameter limit must be a whole number from 1 to 1000, not '0'");
  for (const char* bad : {"1001", "", " 5", "5 ", "+5", "5x", "2.5", "0x10", "99999999999"}) {
    const std::string message = refusal(bad);
    EXPECT_EQ(message.rfind("parameter limit must be a whole number from 1 to 1000", 0), 0u)
        << bad << ": " << message;
  }
  for (const char* bad : {"nan", "inf", "-0.5", "1.5"}) {
    EXPECT_THROW(parse_in_range(bad, kShare, "share"), UsageError) << bad;
  }
}

TEST(ValueRange, CheckRangeSaysTheSameOfAValue) {
  try {
    check_range(std::nan(""), kShare, "the share");
    FAIL() << "NaN accepted";
  } catch (const UsageError& e) {
    EXPECT_EQ(std::string(e.what()), "the share must be a number from 0 to 1, not 'nan'");
  }
  EXPECT_NO_THROW(check_range(1000, kLimit, "the limit"));
}

}  // namespace
}  // namespace emomusic
