#include "feedback.hpp"

#include <iostream>
#include <memory>

#include "emomusic/core/emotion.hpp"
#include "emomusic/core/error.hpp"
#include "emomusic/music/mood_history.hpp"
#include "emomusic/music/track.hpp"

namespace emomusic::app {

void setup_feedback(CLI::App& app, Command& command) {
  auto options = std::make_shared<FeedbackOptions>();
  auto* sub = &app;
  add_description(
      app,
      "`recommend` for that mood then never returns a skipped track, and prefers liked tracks "
      "and artists.\n"
      "Exit codes: 2 bad option, 3 --db is not SQLite or not a mood history, 8 the history is "
      "locked by another writer.");
  sub->add_option("kind", options->kind, "like or skip")
      ->required()
      ->check(CLI::IsMember(music::feedback_kind_names()));
  sub->add_option("track", options->track,
                  "Spotify track id, spotify:track: URI or open.spotify.com link")
      ->required()
      ->check(CLI::Validator(
          [](std::string& value) -> std::string {
            return music::normalize_track_id(value) ? "" : "not a Spotify track id: " + value;
          },
          "TRACK_ID"));
  sub->add_option("-e,--emotion", options->emotion,
                  "The mood it was played for: angry, disgust, fear, happy, sad, surprise, "
                  "neutral (or 0-6)")
      ->required();
  sub->add_option("--artists", options->artists,
                  "The track's artists, separated by ';', so that the feedback reaches them too")
      ->delimiter(';');
  sub->add_option("--db", options->db,
                  "History file (default: $XDG_DATA_HOME/emomusic/history.db)");
  sub->callback([options, &command] { command = [options] { return run_feedback(*options); }; });
}

int run_feedback(const FeedbackOptions& o) {
  music::FeedbackEntry entry;
  entry.kind = music::feedback_kind_from_string(o.kind);
  entry.emotion = emotion_from_string(o.emotion);
  entry.track_id = o.track;
  entry.artists = o.artists;
  entry.time = music::utc_now();
  music::MoodHistory history(o.db.empty() ? music::default_history_path()
                                          : std::filesystem::path(o.db));
  history.record_feedback(entry);
  std::cout << "recorded " << music::to_string(entry.kind) << " of "
            << *music::normalize_track_id(o.track) << " for " << to_string(entry.emotion) << " in "
            << history.path().string() << '\n';
  return 0;
}

}  // namespace emomusic::app
