#pragma once
/// @file
/// Reading the emotion to recommend for from another program's output, so that
/// `emomusic detect --once | emomusic recommend --emotion -` works.

#include <istream>
#include <string_view>

#include "emomusic/core/emotion.hpp"

namespace emomusic::music {

/// A name or label digit ("happy", "3", see emotion_from_string()) or a JSON object with an
/// "emotion" string field ({"emotion": "happy", "confidence": 0.9}). Throws UsageError for an
/// unknown emotion and InputError for JSON without a usable "emotion".
Emotion parse_emotion_message(std::string_view text);

/// Reads the first message from `in`: its first non-blank line, or, for a JSON object printed
/// over several lines, as many lines as the object takes. Does not wait for the end of the input,
/// so a detector that keeps running does not block the pipeline. Throws InputError when the input
/// ends before any message.
Emotion read_emotion(std::istream& in);

}  // namespace emomusic::music
