#pragma once
/// @file
/// Reading the emotion to recommend for from another program's output, so that
/// `emomusic detect --once | emomusic recommend --emotion -` works.

#include <cstddef>
#include <istream>
#include <string_view>

#include "emomusic/core/emotion.hpp"

namespace emomusic::music {

/// A name or label digit ("happy", "3", see emotion_from_string()) or a JSON object with an
/// "emotion" string field ({"emotion": "happy", "confidence": 0.9}). Throws UsageError for an
/// unknown emotion and InputError for JSON without a usable "emotion".
Emotion parse_emotion_message(std::string_view text);

/// The longest first message read_emotion() accepts; a detector's JSON line is a few hundred bytes.
inline constexpr std::size_t kMaxEmotionMessage = 64 * 1024;

/// Reads the first message from `in`: its first non-blank line, or, for a JSON object printed
/// over several lines, as many lines as the object takes. Does not wait for the end of the input,
/// so a detector that keeps running does not block the pipeline. Reads at most
/// kMaxEmotionMessage bytes. Throws InputError when the input ends before any message, or when
/// the message is longer than that.
Emotion read_emotion(std::istream& in);

}  // namespace emomusic::music
