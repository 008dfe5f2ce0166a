#include "emomusic/music/emotion_input.hpp"

#include <gtest/gtest.h>

#include <sstream>

#include "emomusic/core/error.hpp"

namespace emomusic::music {
namespace {

Emotion read(const std::string& text) {
  std::istringstream in(text);
  return read_emotion(in);
}

TEST(EmotionInput, ReadsANameLineOrLabelDigit) {
  EXPECT_EQ(read("happy\n"), Emotion::kHappy);
  EXPECT_EQ(read("\n\n  Sad \r\n"), Emotion::kSad);
  EXPECT_EQ(read("0\n"), Emotion::kAngry);
  EXPECT_EQ(read("surprise"), Emotion::kSurprise);
}

TEST(EmotionInput, ReadsAJsonObjectOnOneOrSeveralLines) {
  EXPECT_EQ(read(R"({"emotion": "fear", "confidence": 0.81})"), Emotion::kFear);
  EXPECT_EQ(read("{\n  \"face\": [1, 2, 3, 4],\n  \"emotion\": \"Neutral\"\n}\n"),
            Emotion::kNeutral);
}

TEST(EmotionInput, StopsAfterTheFirstMessage) {
  // A detector that keeps printing must not block the pipeline, nor change the answer.
  std::istringstream in("disgust\nhappy\nsad\n");
  EXPECT_EQ(read_emotion(in), Emotion::kDisgust);
  std::string rest;
  std::getline(in, rest);
  EXPECT_EQ(rest, "happy");
}

TEST(EmotionInput, ErrorsSayWhatWasWrong) {
  EXPECT_THROW(read(""), InputError);
  EXPECT_THROW(read("\n \n"), InputError);
  EXPECT_THROW(read("grumpy\n"), UsageError);
  EXPECT_THROW(read(R"({"mood": "happy"})"), InputError);
  EXPECT_THROW(read(R"({"emotion": 3})"), InputError);
  EXPECT_THROW(read(R"({"emotion": "grumpy"})"), UsageError);
  EXPECT_THROW(read("{ broken"), InputError);
}

}  // namespace
}  // namespace emomusic::music
