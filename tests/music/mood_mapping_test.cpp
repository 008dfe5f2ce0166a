#include "emomusic/music/mood_mapping.hpp"

#include <gtest/gtest.h>

#include "emomusic/core/error.hpp"
#include "test_support.hpp"

namespace emomusic::music {
namespace {

using emomusic::test::TempDir;
using emomusic::test::write_file;

const std::string kSource = EMOMUSIC_TEST_SOURCE_DIR;

MoodMapping shipped() {
  return MoodMapping::load(kSource + "/data/emotion_music.json");
}

TEST(MoodMapping, ShippedMappingCoversAllEmotionsWithDocumentedDefaults) {
  const MoodMapping m = shipped();
  EXPECT_EQ(m.plan(Emotion::kHappy).strategy, Strategy::kMatch);
  EXPECT_EQ(m.plan(Emotion::kNeutral).strategy, Strategy::kMatch);
  EXPECT_EQ(m.plan(Emotion::kSurprise).strategy, Strategy::kMatch);
  EXPECT_EQ(m.plan(Emotion::kSad).strategy, Strategy::kLift);
  EXPECT_EQ(m.plan(Emotion::kSad).lift_target, "happy");
  for (Emotion e : {Emotion::kAngry, Emotion::kFear, Emotion::kDisgust}) {
    EXPECT_EQ(m.plan(e).strategy, Strategy::kLift);
    EXPECT_EQ(m.plan(e).lift_target, "calm");
  }
  // The targets sit where the circumplex puts them.
  EXPECT_GT(m.mood("happy").valence, m.mood("sad").valence + 0.4);
  EXPECT_GT(m.mood("angry").energy, m.mood("calm").energy + 0.5);
  EXPECT_GT(m.weights().valence, m.weights().tempo);
  for (int i = 0; i < kEmotionCount; ++i) {
    EXPECT_FALSE(m.plan(emotion_from_index(i)).why.empty());
  }
}

TEST(MoodMapping, MatchIsOneWaypointAndLiftInterpolates) {
  const MoodMapping m = shipped();
  const auto match = plan_playlist(m, Emotion::kSad, Strategy::kMatch, "", 4);
  ASSERT_EQ(match.waypoints.size(), 1u);
  EXPECT_DOUBLE_EQ(match.waypoints[0].target.valence, m.mood("sad").valence);

  const auto lift = plan_playlist(m, Emotion::kSad, std::nullopt, "", 3);
  EXPECT_EQ(lift.strategy, Strategy::kLift);
  ASSERT_EQ(lift.waypoints.size(), 3u);
  EXPECT_DOUBLE_EQ(lift.waypoints[0].target.energy, m.mood("sad").energy);
  EXPECT_DOUBLE_EQ(lift.waypoints[2].target.valence, m.mood("happy").valence);
  EXPECT_NEAR(lift.waypoints[1].target.valence,
              (m.mood("sad").valence + m.mood("happy").valence) / 2, 1e-12);
  EXPECT_EQ(lift.waypoints[1].label, "sad→happy 2/3");

  const auto to_calm = plan_playlist(m, Emotion::kHappy, Strategy::kLift, "calm", 2);
  EXPECT_DOUBLE_EQ(to_calm.waypoints[1].target.energy, m.mood("calm").energy);
  EXPECT_EQ(to_calm.why, "chosen by the caller");

  EXPECT_THROW(plan_playlist(m, Emotion::kSad, Strategy::kLift, "ecstatic", 4), UsageError);
  EXPECT_THROW(plan_playlist(m, Emotion::kSad, Strategy::kLift, "", 1), UsageError);
  EXPECT_THROW(strategy_from_string("boost"), UsageError);
  for (const auto& name : strategy_names()) EXPECT_EQ(to_string(strategy_from_string(name)), name);
}

std::string mapping_with(const std::string& moods, const std::string& angry) {
  std::string emotions;
  for (auto name : emotion_names()) {
    if (!emotions.empty()) emotions += ",";
    emotions += "\"" + std::string(name) + "\": " +
                (name == "angry"
                     ? angry
                     : R"({"mood": "m", "default_mode": "match", "lift_target": "m", "why": "w"})");
  }
  return "{\"moods\": {" + moods + "}, \"emotions\": {" + emotions + "}}";
}

TEST(MoodMapping, BadFilesNameTheFileAndTheKey) {
  TempDir dir;
  const std::string ok_mood = R"("m": {"valence": 0.5, "energy": 0.5})";
  const std::string ok_angry =
      R"({"mood": "m", "default_mode": "lift", "lift_target": "m", "why": "w"})";
  write_file(dir / "ok.json", mapping_with(ok_mood, ok_angry));
  EXPECT_EQ(MoodMapping::load(dir / "ok.json").plan(Emotion::kAngry).strategy, Strategy::kLift);

  const std::vector<std::pair<std::string, std::string>> cases = {
      {mapping_with(R"("m": {"valence": 1.5, "energy": 0.5})", ok_angry), "moods.m.valence"},
      {mapping_with(R"("m": {"valence": 0.5})", ok_angry), "moods.m needs both"},
      {mapping_with(ok_mood,
                    R"({"mood": "x", "default_mode": "lift", "lift_target": "m", "why": "w"})"),
       "unknown mood 'x'"},
      {mapping_with(ok_mood,
                    R"({"mood": "m", "default_mode": "up", "lift_target": "m", "why": "w"})"),
       "emotions.angry.default_mode"},
      {"{\"moods\": {" + ok_mood + "}, \"emotions\": {}}", "emotions.angry is missing"},
      {"{ not json", "not a valid mood mapping"},
  };
  for (const auto& [text, expected] : cases) {
    write_file(dir / "bad.json", text);
    try {
      MoodMapping::load(dir / "bad.json");
      ADD_FAILURE() << "accepted: " << text;
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find(expected), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("bad.json"), std::string::npos) << e.what();
    }
  }
  EXPECT_THROW(MoodMapping::load(dir / "missing.json"), InputError);
}

}  // namespace
}  // namespace emomusic::music
