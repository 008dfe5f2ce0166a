// One way from an option's name to its enum value and back, with one wording of the error.
#include "emomusic/core/named_values.hpp"

#include <gtest/gtest.h>

namespace emomusic {
namespace {

enum class Colour { kRed, kGreen, kBlue };
const std::vector<std::string> kColours{"red", "green", "blue"};

}  // namespace

TEST(NamedValues, NamesAndValuesRoundTrip) {
  EXPECT_EQ(parse_named<Colour>(kColours, "green", "colour"), Colour::kGreen);
  for (const auto c : {Colour::kRed, Colour::kGreen, Colour::kBlue}) {
    EXPECT_EQ(parse_named<Colour>(kColours, name_of(kColours, c), "colour"), c);
  }
}

TEST(NamedValues, AnUnknownNameIsAUsageErrorListingTheChoices) {
  try {
    parse_named<Colour>(kColours, "Green", "colour");  // names are exact
    FAIL() << "accepted";
  } catch (const UsageError& e) {
    EXPECT_STREQ(e.what(), "unknown colour 'Green'; expected red, green or blue");
  }
  EXPECT_THROW(parse_named<Colour>(kColours, "", "colour"), UsageError);
}

}  // namespace emomusic
