#pragma once

#include <CLI/CLI.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include "command.hpp"
#include "emomusic/music/playlist_format.hpp"
#include "emomusic/nn/class_prior.hpp"
#include "emomusic/session/playlist.hpp"
#include "emomusic/session/recommender.hpp"
#include "emomusic/vision/option_ranges.hpp"
#ifdef EMOMUSIC_WITH_SPOTIFY
#include "spotify_options.hpp"
#endif

namespace emomusic::app {

/// `recommend`: the options bind straight into the library's request and service options, which
/// hold every default; the rest say where the emotion comes from and how to print.
struct RecommendOptions {
  session::PlaylistRequest request;
  session::RecommenderOptions service;
  std::string emotion;  ///< a name, a label digit, or "-" to read it from stdin
  music::PlaylistFormat format = music::PlaylistFormat::kTable;
  /// With --from-image or --from-camera: do not record the detected mood in the history.
  bool no_history = false;
  bool no_spotify = false;      ///< neither fill from nor save to Spotify
  std::string create_playlist;  ///< save the playlist in the user's Spotify account
  std::string from_image;       ///< detect the emotion in this photo first (vision builds)
  int from_camera = -1;         ///< or watch this camera until the emotion settles
  double camera_timeout_s = vision::kDefaultSettleTimeout;  ///< --from-camera's wait
  std::vector<std::filesystem::path> models;    ///< emotion model(s) for --from-image/--from-camera
  double prior_power = nn::kDefaultPriorPower;  ///< logit adjustment τ (nn/class_prior.hpp)
#ifdef EMOMUSIC_WITH_SPOTIFY
  SpotifyOptions spotify;
#endif
};

void setup_recommend(CLI::App& app, Command& command);
int run_recommend(const RecommendOptions& options);

}  // namespace emomusic::app
