#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>

#include "command.hpp"
#include "emomusic/nn/class_prior.hpp"
#ifdef EMOMUSIC_WITH_SPOTIFY
#include "spotify_options.hpp"
#endif

namespace emomusic::app {

struct RecommendOptions {
  std::string emotion;  ///< a name, a label digit, or "-" to read it from stdin
  std::string mode;     ///< "match" or "lift"; empty = the emotion's default from the mapping
  std::string target;   ///< lift destination mood; empty = the emotion's default
  int steps = 4;        ///< lift waypoints, the detected mood and the target included
  int limit = 20;
  std::string catalog;  ///< empty = the default catalog, else the starter catalog
  std::string mapping;  ///< empty = the shipped data/emotion_music.json
  std::string genre;
  std::string artist;
  std::string year;  ///< "1999", "1990-1999", "1990-", "-1999"
  bool no_explicit = false;
  int max_per_artist = 2;
  double diversity = 0.1;
  double popularity_weight = 0.0;
  double variety = 0.03;
  std::int64_t seed = -1;  ///< negative = a fresh random seed each run
  std::string format = "table";
  /// Leave out tracks skipped for this emotion and prefer liked ones, from the history file.
  bool no_feedback = false;
  std::string history_db;  ///< empty = $XDG_DATA_HOME/emomusic/history.db
  /// With --from-image or --from-camera: do not record the detected mood in the history.
  bool no_history = false;
  /// With Spotify credentials: fill a short playlist from Spotify, unless this is set.
  bool no_spotify = false;
  std::string create_playlist;  ///< save the playlist in the user's Spotify account
  std::string from_image;       ///< detect the emotion in this photo first (vision builds)
  int from_camera = -1;         ///< or watch this camera until the emotion settles
  std::vector<std::filesystem::path> models;    ///< emotion model(s) for --from-image/--from-camera
  double prior_power = nn::kDefaultPriorPower;  ///< logit adjustment τ (nn/class_prior.hpp)
#ifdef EMOMUSIC_WITH_SPOTIFY
  SpotifyOptions spotify;
#endif
};

void setup_recommend(CLI::App& app, Command& command);
int run_recommend(const RecommendOptions& options);

}  // namespace emomusic::app
