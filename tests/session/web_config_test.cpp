// GET /api/config's body: what the page would otherwise copy from core, the mapping and the
// playlist's bounds, checked against those sources rather than against a copy of their values.

#include "emomusic/session/web_config.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "emomusic/music/mood_history.hpp"
#include "test_support.hpp"

namespace emomusic::session {
namespace {

namespace fs = std::filesystem;
using emomusic::test::TempDir;
using emomusic::test::write_file;

void expect_setting(const nlohmann::ordered_json& setting, int fallback,
                    const ValueRange<int>& range) {
  EXPECT_EQ(setting.at("default"), fallback) << setting;
  EXPECT_EQ(setting.at("min"), range.lo) << setting;
  EXPECT_EQ(setting.at("max"), range.hi) << setting;
}

// Each emotion's default in `config` is its plan in `mapping`.
void expect_defaults_of(const nlohmann::ordered_json& config, const music::MoodMapping& mapping) {
  ASSERT_EQ(config.at("defaults").size(), emotion_names().size());
  for (const std::string_view name : emotion_names()) {
    const music::EmotionPlan& plan = mapping.plan(emotion_from_string(name));
    const auto& defaults = config.at("defaults").at(std::string(name));
    EXPECT_EQ(defaults.at("mode").get<std::string>(), music::to_string(plan.strategy)) << name;
    EXPECT_EQ(defaults.at("target").get<std::string>(), plan.lift_target) << name;
  }
}

TEST(WebConfig, GivesCoresEmotionsTheMappingsDefaultsAndTheBounds) {
  const auto mapping =
      music::MoodMapping::load(fs::path(EMOMUSIC_TEST_SOURCE_DIR) / "data" / "emotion_music.json");
  const nlohmann::ordered_json config = web_config(mapping);

  ASSERT_EQ(config.at("emotions").size(), emotion_names().size());
  for (std::size_t i = 0; i < emotion_names().size(); ++i) {
    EXPECT_EQ(config.at("emotions")[i].get<std::string>(), emotion_names()[i]) << "emotion " << i;
  }
  EXPECT_EQ(config.at("strategies").get<std::vector<std::string>>(), music::strategy_names());
  expect_defaults_of(config, mapping);
  expect_setting(config.at("playlist").at("limit"), kPagePlaylistLimit, kPageLimitRange);
  expect_setting(config.at("playlist").at("steps"), PlaylistRequest{}.steps, kStepsRange);
  expect_setting(config.at("history").at("days"), kPageHistoryDays, music::kHistoryDaysRange);
}

// A mapping given with --mapping reaches the page: nothing of the shipped one is built in.
TEST(WebConfig, FollowsTheMappingItIsGiven) {
  TempDir dir;
  std::string emotions;
  for (const std::string_view name : emotion_names()) {
    if (!emotions.empty()) emotions += ",";
    const bool angry = name == "angry";
    emotions += "\"" + std::string(name) + "\": {\"mood\": \"low\", \"default_mode\": \"" +
                (angry ? "match" : "lift") + "\", \"lift_target\": \"" + (angry ? "low" : "high") +
                "\", \"why\": \"a test\"}";
  }
  write_file(dir / "mapping.json",
             R"({"moods": {"low": {"valence": 0.1, "energy": 0.1},
                           "high": {"valence": 0.9, "energy": 0.9}},
                 "emotions": {)" +
                 emotions + "}}");
  const auto mapping = music::MoodMapping::load(dir / "mapping.json");
  const nlohmann::ordered_json config = web_config(mapping);

  expect_defaults_of(config, mapping);
  EXPECT_EQ(config.at("defaults").at("angry"),
            (nlohmann::ordered_json{{"mode", "match"}, {"target", "low"}}));
  EXPECT_EQ(config.at("defaults").at("happy"),
            (nlohmann::ordered_json{{"mode", "lift"}, {"target", "high"}}));
}

}  // namespace
}  // namespace emomusic::session
