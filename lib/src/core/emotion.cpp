#include "emomusic/core/emotion.hpp"

#include <algorithm>
#include <cctype>
#include <stdexcept>
#include <utility>

#include "emomusic/core/error.hpp"
#include "emomusic/core/text.hpp"

namespace emomusic {

const std::array<std::string_view, kEmotionCount>& emotion_names() {
  static constexpr std::array<std::string_view, kEmotionCount> kNames = {
      "angry", "disgust", "fear", "happy", "sad", "surprise", "neutral"};
  return kNames;
}

std::string_view to_string(Emotion e) {
  return emotion_names().at(static_cast<size_t>(e));
}

Emotion emotion_from_index(int index) {
  if (index < 0 || index >= kEmotionCount) {
    throw std::out_of_range("emotion index " + std::to_string(index) + " is outside 0..6");
  }
  return static_cast<Emotion>(index);
}

std::optional<Emotion> parse_emotion(std::string_view text) {
  std::string lower = ascii_lower(text);
  // Trim whitespace so that `detect --once | recommend --emotion -` works with a trailing newline.
  const auto first = lower.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return std::nullopt;
  lower = lower.substr(first, lower.find_last_not_of(" \t\r\n") - first + 1);

  if (lower.size() == 1 && lower[0] >= '0' && lower[0] < '0' + kEmotionCount) {
    return static_cast<Emotion>(lower[0] - '0');
  }
  const auto& names = emotion_names();
  for (int i = 0; i < kEmotionCount; ++i) {
    if (lower == names[static_cast<size_t>(i)]) return static_cast<Emotion>(i);
  }
  static const std::pair<std::string_view, Emotion> kSynonyms[] = {
      {"anger", Emotion::kAngry}, {"disgusted", Emotion::kDisgust}, {"fearful", Emotion::kFear},
      {"afraid", Emotion::kFear}, {"joy", Emotion::kHappy},         {"happiness", Emotion::kHappy},
      {"sadness", Emotion::kSad}, {"surprised", Emotion::kSurprise}};
  for (const auto& [word, emotion] : kSynonyms) {
    if (lower == word) return emotion;
  }
  return std::nullopt;
}

Emotion emotion_from_string(std::string_view text) {
  if (auto e = parse_emotion(text)) return *e;
  throw UsageError("unknown emotion '" + excerpt(text) +
                   "'; expected one of angry, disgust, fear, happy, sad, surprise, neutral");
}

}  // namespace emomusic
