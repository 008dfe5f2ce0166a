#include "emomusic/session/web_config.hpp"

#include "emomusic/music/mood_history.hpp"

namespace emomusic::session {
namespace {

nlohmann::ordered_json setting(int fallback, const ValueRange<int>& range) {
  return {{"default", fallback}, {"min", range.lo}, {"max", range.hi}};
}

}  // namespace

nlohmann::ordered_json web_config(const music::MoodMapping& mapping) {
  nlohmann::ordered_json emotions = nlohmann::ordered_json::array();
  nlohmann::ordered_json defaults = nlohmann::ordered_json::object();
  for (const std::string_view name : emotion_names()) {
    const music::EmotionPlan& plan = mapping.plan(emotion_from_string(name));
    emotions.push_back(name);
    defaults[std::string(name)] = {{"mode", music::to_string(plan.strategy)},
                                   {"target", plan.lift_target}};
  }
  return {{"emotions", emotions},
          {"strategies", music::strategy_names()},
          {"defaults", defaults},
          {"playlist",
           {{"limit", setting(kPagePlaylistLimit, kPageLimitRange)},
            {"steps", setting(PlaylistRequest{}.steps, kStepsRange)}}},
          {"history", {{"days", setting(kPageHistoryDays, music::kHistoryDaysRange)}}}};
}

}  // namespace emomusic::session
