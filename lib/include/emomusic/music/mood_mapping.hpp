#pragma once
/// @file
/// Where each emotion, and each named target mood, sits in Spotify audio-feature space, and which
/// strategy suits each emotion by default. Read from data/emotion_music.json (or a mapping file the
/// caller names), whose entries cite the sources of their numbers.

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "emomusic/core/emotion.hpp"
#include "emomusic/music/track.hpp"

namespace emomusic::music {

/// A point in feature space. valence and energy are always set; the others may be
/// kUnknownFeature, meaning "any value".
struct FeatureTarget {
  double valence = 0.5;
  double energy = 0.5;
  double danceability = kUnknownFeature;
  double tempo = kUnknownFeature;  ///< beats per minute
  double acousticness = kUnknownFeature;
};

/// How much each feature counts in the distance; tempo is first scaled to 0..1 over tempo_range.
struct FeatureWeights {
  double valence = 1.0;
  double energy = 1.0;
  double danceability = 0.0;
  double tempo = 0.0;
  double acousticness = 0.0;
  double tempo_min_bpm = 60.0;
  double tempo_max_bpm = 180.0;
};

/// match: music congruent with the mood. lift: the iso principle, starting at the mood and
/// moving step by step to a target mood.
enum class Strategy { kMatch, kLift };

/// The names of Strategy's values, in its order: "match", "lift".
const std::vector<std::string>& strategy_names();
std::string_view to_string(Strategy s);
/// A name of strategy_names(); throws UsageError otherwise.
Strategy strategy_from_string(std::string_view text);

/// What the mapping recommends for one detected emotion.
struct EmotionPlan {
  std::string mood;         ///< the mood whose target matches this emotion
  Strategy strategy;        ///< the default strategy
  std::string lift_target;  ///< the default destination for lift
  std::string why;          ///< the reason for the default, shown with -v and in docs
};

class MoodMapping {
 public:
  /// Throws InputError naming the file and the offending key.
  static MoodMapping load(const std::filesystem::path& path);
  /// The shipped data/emotion_music.json; throws InputError saying where it looked.
  static MoodMapping load_default();

  /// Throws UsageError listing the known moods.
  const FeatureTarget& mood(std::string_view name) const;
  const EmotionPlan& plan(Emotion e) const { return plans_[static_cast<std::size_t>(to_index(e))]; }
  const FeatureWeights& weights() const { return weights_; }
  std::vector<std::string> mood_names() const;

 private:
  std::map<std::string, FeatureTarget, std::less<>> moods_;
  std::vector<EmotionPlan> plans_;
  FeatureWeights weights_;
};

/// One stage of a playlist: the feature target its tracks are chosen for.
struct Waypoint {
  std::string label;  ///< "happy", or "sad→happy 2/4" for a step of a lift
  FeatureTarget target;
};

struct PlaylistPlan {
  Strategy strategy;
  std::string why;  ///< why this strategy: the mapping's reason, or "chosen by the caller"
  std::vector<Waypoint> waypoints;
};

/// Match: one waypoint at the emotion's mood. Lift: `steps` waypoints (at least 2) evenly spaced
/// from the emotion's mood to `target`. An absent strategy or an empty target takes the emotion's
/// default from the mapping. Throws UsageError for an unknown target or steps < 2.
PlaylistPlan plan_playlist(const MoodMapping& mapping, Emotion emotion,
                           std::optional<Strategy> strategy, const std::string& target, int steps);

}  // namespace emomusic::music
