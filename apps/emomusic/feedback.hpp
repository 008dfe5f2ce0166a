#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "command.hpp"

namespace emomusic::app {

struct FeedbackOptions {
  std::string kind;                  ///< like or skip (music::feedback_kind_names())
  std::string track;                 ///< a Spotify id, spotify:track: URI or open.spotify.com link
  std::string emotion;               ///< the mood the track was played for
  std::vector<std::string> artists;  ///< the track's artists, so the feedback reaches them too
  std::string db;                    ///< empty = $XDG_DATA_HOME/emomusic/history.db
};

/// `feedback like|skip TRACK_ID --emotion E [--artists "A;B"] [--db FILE]`.
void setup_feedback(CLI::App& app, Command& command);
int run_feedback(const FeedbackOptions& options);

}  // namespace emomusic::app
