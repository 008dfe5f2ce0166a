#pragma once
/// @file
/// A picture of the mood history: one row per UTC day, each mood a coloured mark at its time of
/// day (taller for a surer reading), and beside each row the day's share of each emotion.

#include <filesystem>

#include "emomusic/core/emotion.hpp"
#include "emomusic/music/mood_history.hpp"
#include "emomusic/plot/canvas.hpp"

namespace emomusic::music {

/// The colour of an emotion in the timeline, for pages that draw their own legend to match.
plot::Rgb emotion_color(Emotion emotion);

/// Draws the report's days, oldest at the top, with a legend. Days without moods stay empty.
/// Throws UsageError for a report without days.
plot::Canvas render_mood_timeline(const HistoryReport& report);

/// render_mood_timeline() saved as a PNG, written atomically (a temporary sibling renamed over
/// `png`). Throws InputError when it cannot be written.
void plot_mood_timeline(const HistoryReport& report, const std::filesystem::path& png);

}  // namespace emomusic::music
