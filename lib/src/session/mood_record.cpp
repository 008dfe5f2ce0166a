#include "emomusic/session/mood_record.hpp"

#include <algorithm>
#include <cmath>

#include "emomusic/core/text.hpp"

namespace emomusic::session {

music::MoodEntry settled_mood_entry(Emotion emotion, double confidence, std::string_view source) {
  music::MoodEntry entry;
  entry.time = music::utc_now();
  entry.emotion = emotion;
  entry.confidence = std::isfinite(confidence) ? std::clamp(confidence, 0.0, 1.0) : 0.0;
  // As much of the label as fits the history's limit once escaped (a control byte takes four)
  // and with excerpt()'s "… (N bytes)" appended.
  for (std::size_t bytes = music::kMaxSourceBytes - 40;; bytes /= 2) {
    entry.source = excerpt(source, bytes);
    if (entry.source.size() <= music::kMaxSourceBytes) break;
  }
  return entry;
}

void record_settled_mood(music::MoodHistory& history, Emotion emotion, double confidence,
                         std::string_view source) {
  history.record(settled_mood_entry(emotion, confidence, source));
}

void record_settled_mood(const std::filesystem::path& history_file, Emotion emotion,
                         double confidence, std::string_view source) {
  music::MoodHistory history(history_file.empty() ? music::default_history_path() : history_file);
  record_settled_mood(history, emotion, confidence, source);
}

}  // namespace emomusic::session
