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

TEST(EmotionInput, ALongFirstLineIsRefusedAfterABoundedReadAndNotEchoedWhole) {
  // 1 MB of junk on one line: read at most kMaxEmotionMessage bytes of it, quote a short piece.
  std::istringstream in(std::string(1 << 20, 'x') + "\nhappy\n");
  try {
    read_emotion(in);
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_LT(std::string(e.what()).size(), 300u) << "the message echoes the input";
    EXPECT_NE(std::string(e.what()).find("longer than"), std::string::npos) << e.what();
  }
  EXPECT_LE(static_cast<std::size_t>(in.tellg()), kMaxEmotionMessage + 1);
}

TEST(EmotionInput, ManyLinesOfAnOpenJsonObjectAreReadOnce) {
  // Before: every line re-parsed all the text so far (quadratic: 400 KB took 52 s). An object
  // that never closes now ends at the size bound, and a long valid one is read in one pass.
  std::string open = "{\n";
  while (open.size() < 2 * kMaxEmotionMessage) open += "  \"k\": 1,\n";
  EXPECT_THROW(read(open), InputError);
  std::string valid = "{\"note\": \"a } and { inside a string \\\" still\",\n";
  for (int i = 0; i < 2000; ++i) valid += " \"k" + std::to_string(i) + "\": [1, {\"x\": 2}],\n";
  valid += " \"emotion\": \"sad\"}\nhappy\n";
  std::istringstream in(valid);
  EXPECT_EQ(read_emotion(in), Emotion::kSad);
  std::string rest;
  std::getline(in, rest);  // the rest of the line the object ended on
  std::getline(in, rest);
  EXPECT_EQ(rest, "happy");
}

TEST(EmotionInput, AnUnknownEmotionIsQuotedShortAndWithoutControlBytes) {
  try {
    read(std::string(10000, 'y') + "\x1b[2J\n");
    FAIL() << "expected UsageError";
  } catch (const UsageError& e) {
    const std::string what = e.what();
    EXPECT_LT(what.size(), 300u);
    EXPECT_EQ(what.find('\x1b'), std::string::npos) << "a terminal escape was echoed";
  }
}

}  // namespace
}  // namespace emomusic::music
