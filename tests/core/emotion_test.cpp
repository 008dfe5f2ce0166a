#include "emomusic/core/emotion.hpp"

#include <gtest/gtest.h>

#include "emomusic/core/error.hpp"

namespace emomusic {

TEST(Emotion, NamesFollowFer2013LabelOrder) {
  const auto& n = emotion_names();
  ASSERT_EQ(n.size(), 7u);
  EXPECT_EQ(n[0], "angry");
  EXPECT_EQ(n[1], "disgust");
  EXPECT_EQ(n[2], "fear");
  EXPECT_EQ(n[3], "happy");
  EXPECT_EQ(n[4], "sad");
  EXPECT_EQ(n[5], "surprise");
  EXPECT_EQ(n[6], "neutral");
}

TEST(Emotion, ParsesNamesDigitsSynonymsAndWhitespace) {
  EXPECT_EQ(parse_emotion("Happy"), Emotion::kHappy);
  EXPECT_EQ(parse_emotion("  sad\n"), Emotion::kSad);
  EXPECT_EQ(parse_emotion("5"), Emotion::kSurprise);
  EXPECT_EQ(parse_emotion("anger"), Emotion::kAngry);
  EXPECT_EQ(parse_emotion("fearful"), Emotion::kFear);
  EXPECT_FALSE(parse_emotion("7").has_value());
  EXPECT_FALSE(parse_emotion("").has_value());
  EXPECT_FALSE(parse_emotion("bored").has_value());
}

TEST(Emotion, UnknownNameIsAUsageErrorListingValidNames) {
  try {
    emotion_from_string("bored");
    FAIL() << "expected UsageError";
  } catch (const UsageError& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kBadValue);
    EXPECT_NE(std::string(e.what()).find("neutral"), std::string::npos);
  }
}

TEST(Emotion, IndexRoundTrip) {
  for (int i = 0; i < kEmotionCount; ++i) EXPECT_EQ(to_index(emotion_from_index(i)), i);
  EXPECT_THROW(emotion_from_index(7), std::out_of_range);
  EXPECT_THROW(emotion_from_index(-1), std::out_of_range);
}

}  // namespace emomusic
