#pragma once
/// @file
/// The seven FER2013 expression classes, in the dataset's label order.

#include <array>
#include <optional>
#include <string>
#include <string_view>

namespace emomusic {

enum class Emotion : int { kAngry = 0, kDisgust, kFear, kHappy, kSad, kSurprise, kNeutral };

inline constexpr int kEmotionCount = 7;

/// Lower-case names in label order: angry, disgust, fear, happy, sad, surprise, neutral.
const std::array<std::string_view, kEmotionCount>& emotion_names();

std::string_view to_string(Emotion e);

/// Parses a class name, case-insensitively; also accepts the label digit ("3") and the common
/// synonyms "anger", "angry", "fearful", "joy", "sadness", "surprised", "disgusted".
std::optional<Emotion> parse_emotion(std::string_view text);

/// Like parse_emotion(), but throws UsageError listing the valid names.
Emotion emotion_from_string(std::string_view text);

inline int to_index(Emotion e) {
  return static_cast<int>(e);
}
/// Throws std::out_of_range for an index outside 0..6.
Emotion emotion_from_index(int index);

}  // namespace emomusic
