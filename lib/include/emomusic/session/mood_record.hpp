#pragma once
/// @file
/// A settled mood into the listener's mood history: the one step every front end takes when a
/// mood settles (the page through `serve`, `detect --once`, `recommend --from-image` and
/// `--from-camera`), so that the history reads the same whoever recorded it.

#include <filesystem>
#include <string_view>

#include "emomusic/core/emotion.hpp"
#include "emomusic/music/mood_history.hpp"

namespace emomusic::session {

/// The history's entry for `emotion` settling now with `confidence` (clamped to 0..1), from
/// `source`: a label such as "page", "camera 0" or a photo's file name, quoted short and with
/// control bytes escaped (excerpt()), since a file name may be of any length and bytes.
music::MoodEntry settled_mood_entry(Emotion emotion, double confidence, std::string_view source);

/// Records settled_mood_entry() in `history`. Throws what music::MoodHistory::record() throws
/// (UnavailableError when the history stays locked).
void record_settled_mood(music::MoodHistory& history, Emotion emotion, double confidence,
                         std::string_view source);

/// The same into the history file `history_file` (empty: music::default_history_path()), created
/// when missing, for a front end that records one mood and ends. Throws what MoodHistory's
/// constructor and record() throw (InputError for a file that is not a history).
void record_settled_mood(const std::filesystem::path& history_file, Emotion emotion,
                         double confidence, std::string_view source);

}  // namespace emomusic::session
