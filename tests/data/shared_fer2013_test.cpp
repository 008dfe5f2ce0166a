// Checks against the real FER2013 in ../shared, when it is there.

#include <gtest/gtest.h>

#include "emomusic/data/loader.hpp"
#include "test_support.hpp"

namespace emomusic::data {

TEST(SharedFer2013, HasTheKnownSplitSizesAndClassCounts) {
  EMOMUSIC_REQUIRE_SHARED(csv, "data/fer2013/fer2013.csv.gz");
  LoadOptions o;
  o.show_progress = false;
  const auto d = load_dataset(csv, o);
  EXPECT_EQ(d.split("Training").size(), 28709);
  EXPECT_EQ(d.split("PublicTest").size(), 3589);
  EXPECT_FALSE(d.has_split("PrivateTest"));
  const auto counts = d.split("Training").class_counts();
  EXPECT_EQ(counts[1], 436) << "disgust";
  EXPECT_EQ(counts[3], 7215) << "happy";
}

}  // namespace emomusic::data
