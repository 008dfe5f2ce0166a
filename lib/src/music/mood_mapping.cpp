#include "emomusic/music/mood_mapping.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "emomusic/core/bounded_input.hpp"
#include "emomusic/core/error.hpp"
#include "emomusic/core/named_values.hpp"
#include "emomusic/core/paths.hpp"
#include "emomusic/core/text.hpp"

namespace emomusic::music {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// Thrown while reading the JSON; load() adds the file name.
struct BadKey {
  std::string message;
};

double unit_value(const json& obj, const std::string& key, const std::string& where,
                  double fallback, double lo = 0.0, double hi = 1.0) {
  auto it = obj.find(key);
  if (it == obj.end()) return fallback;
  if (!it->is_number()) throw BadKey{where + "." + key + " is not a number"};
  const double v = it->get<double>();
  if (v < lo || v > hi) {
    throw BadKey{where + "." + key + " = " + std::to_string(v) + " is outside " +
                 std::to_string(lo) + ".." + std::to_string(hi)};
  }
  return v;
}

FeatureTarget read_target(const json& obj, const std::string& where) {
  if (!obj.is_object()) throw BadKey{where + " is not an object"};
  if (!obj.contains("valence") || !obj.contains("energy")) {
    throw BadKey{where + " needs both valence and energy"};
  }
  FeatureTarget t;
  t.valence = unit_value(obj, "valence", where, 0.5);
  t.energy = unit_value(obj, "energy", where, 0.5);
  t.danceability = unit_value(obj, "danceability", where, kUnknownFeature);
  t.acousticness = unit_value(obj, "acousticness", where, kUnknownFeature);
  t.tempo = unit_value(obj, "tempo", where, kUnknownFeature, 20.0, 300.0);
  return t;
}

FeatureWeights read_weights(const json& obj) {
  FeatureWeights w;
  if (!obj.is_object()) throw BadKey{"weights is not an object"};
  w.valence = unit_value(obj, "valence", "weights", w.valence, 0, 10);
  w.energy = unit_value(obj, "energy", "weights", w.energy, 0, 10);
  w.danceability = unit_value(obj, "danceability", "weights", w.danceability, 0, 10);
  w.tempo = unit_value(obj, "tempo", "weights", w.tempo, 0, 10);
  w.acousticness = unit_value(obj, "acousticness", "weights", w.acousticness, 0, 10);
  w.tempo_min_bpm = unit_value(obj, "tempo_min_bpm", "weights", w.tempo_min_bpm, 20, 300);
  w.tempo_max_bpm = unit_value(obj, "tempo_max_bpm", "weights", w.tempo_max_bpm, 20, 300);
  if (w.tempo_max_bpm <= w.tempo_min_bpm) throw BadKey{"weights.tempo_max_bpm <= tempo_min_bpm"};
  return w;
}

std::string string_field(const json& obj, const std::string& key, const std::string& where) {
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_string()) throw BadKey{where + "." + key + " must be a string"};
  return it->get<std::string>();
}

double lerp(double a, double b, double t) {
  // "Any value" at either end stays "any value": there is nothing to interpolate towards.
  if (!known(a) || !known(b)) return kUnknownFeature;
  return a + (b - a) * t;
}

}  // namespace

const std::vector<std::string>& strategy_names() {
  static const std::vector<std::string> names{"match", "lift"};  // in Strategy's order
  return names;
}

std::string_view to_string(Strategy s) {
  return name_of(strategy_names(), s);
}

Strategy strategy_from_string(std::string_view text) {
  return parse_named<Strategy>(strategy_names(), text, "mode");
}

MoodMapping MoodMapping::load(const fs::path& path) {
  BoundedInput in(path, kMappingLimit);
  MoodMapping m;
  try {
    const json doc = json::parse(in);
    if (!doc.is_object()) throw BadKey{"the top level is not an object"};
    if (auto w = doc.find("weights"); w != doc.end()) m.weights_ = read_weights(*w);
    const auto moods = doc.find("moods");
    if (moods == doc.end() || !moods->is_object()) throw BadKey{"no \"moods\" object"};
    for (const auto& [name, target] : moods->items()) {
      m.moods_[name] = read_target(target, "moods." + name);
    }
    const auto emotions = doc.find("emotions");
    if (emotions == doc.end() || !emotions->is_object()) throw BadKey{"no \"emotions\" object"};
    for (auto name : emotion_names()) {
      const std::string where = "emotions." + std::string(name);
      const auto e = emotions->find(std::string(name));
      if (e == emotions->end()) throw BadKey{where + " is missing (all 7 emotions are needed)"};
      EmotionPlan plan;
      plan.mood = string_field(*e, "mood", where);
      const std::string mode = string_field(*e, "default_mode", where);
      if (mode != "match" && mode != "lift") {
        throw BadKey{where + ".default_mode '" + excerpt(mode) + "' is neither match nor lift"};
      }
      plan.strategy = strategy_from_string(mode);
      plan.lift_target = string_field(*e, "lift_target", where);
      plan.why = string_field(*e, "why", where);
      for (const auto* mood : {&plan.mood, &plan.lift_target}) {
        if (!m.moods_.count(*mood))
          throw BadKey{where + " names unknown mood '" + excerpt(*mood) + "'"};
      }
      m.plans_.push_back(std::move(plan));
    }
  } catch (const json::exception& e) {
    throw InputError(path.string() + ": not a valid mood mapping: " + e.what());
  } catch (const BadKey& bad) {
    throw InputError(path.string() + ": not a valid mood mapping: " + bad.message);
  }
  return m;
}

MoodMapping MoodMapping::load_default() {
  const auto path = find_shipped_file("data/emotion_music.json");
  if (!path) {
    throw InputError(
        "the shipped mood mapping data/emotion_music.json was not found (beside the binary in "
        "share/emomusic/ or in the source checkout); name a mapping file");
  }
  return load(*path);
}

const FeatureTarget& MoodMapping::mood(std::string_view name) const {
  auto it = moods_.find(name);
  if (it == moods_.end()) {
    std::string known_names;
    for (const auto& n : mood_names()) known_names += (known_names.empty() ? "" : ", ") + n;
    throw UsageError("unknown mood '" + excerpt(name) + "'; the mapping knows " + known_names);
  }
  return it->second;
}

std::vector<std::string> MoodMapping::mood_names() const {
  std::vector<std::string> names;
  for (const auto& entry : moods_) names.push_back(entry.first);
  return names;
}

PlaylistPlan plan_playlist(const MoodMapping& mapping, Emotion emotion,
                           std::optional<Strategy> strategy, const std::string& target, int steps) {
  const EmotionPlan& defaults = mapping.plan(emotion);
  PlaylistPlan plan{
      strategy.value_or(defaults.strategy), strategy ? "chosen by the caller" : defaults.why, {}};
  const FeatureTarget& from = mapping.mood(defaults.mood);
  if (plan.strategy == Strategy::kMatch) {
    plan.waypoints.push_back({defaults.mood, from});
    return plan;
  }
  if (steps < 2) throw UsageError("a lift needs at least 2 steps, not " + std::to_string(steps));
  const std::string to_name = target.empty() ? defaults.lift_target : target;
  const FeatureTarget& to = mapping.mood(to_name);
  for (int i = 0; i < steps; ++i) {
    const double t = static_cast<double>(i) / (steps - 1);
    FeatureTarget point{lerp(from.valence, to.valence, t), lerp(from.energy, to.energy, t),
                        lerp(from.danceability, to.danceability, t), lerp(from.tempo, to.tempo, t),
                        lerp(from.acousticness, to.acousticness, t)};
    plan.waypoints.push_back(
        {defaults.mood + "→" + to_name + " " + std::to_string(i + 1) + "/" + std::to_string(steps),
         point});
  }
  return plan;
}

}  // namespace emomusic::music
