#pragma once
/// @file
/// Writing a mood history (music/mood_history.hpp) in the formats people and scripts read.

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "emomusic/music/mood_history.hpp"

namespace emomusic::music {

/// table: one line per mood, newest first, then one line per day. json: HistoryReport::to_json().
/// csv: the moods only (utc, time, emotion, confidence, source), RFC 4180 quoted; the per-day
/// summary is a second table and has no place in one CSV.
enum class HistoryFormat { kTable, kJson, kCsv };

/// "table", "json", "csv": the names the command line accepts.
const std::vector<std::string>& history_format_names();
/// Throws UsageError for a name not in history_format_names().
HistoryFormat history_format_from_string(std::string_view text);

void write_history(std::ostream& out, const HistoryReport& report, HistoryFormat format);

}  // namespace emomusic::music
