#pragma once

#include <CLI/CLI.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include "command.hpp"
#include "emomusic/nn/class_prior.hpp"
#ifdef EMOMUSIC_WITH_SPOTIFY
#include "spotify_options.hpp"
#endif

namespace emomusic::app {

/// `serve`: the local web page and its JSON API (session/web_server.hpp holds the server).
struct ServeOptions {
  std::string host = "127.0.0.1";
  int port = 8080;                              ///< 0: any free port, printed on stdout
  std::vector<std::filesystem::path> models;    ///< empty: the default model; more: an ensemble
  double prior_power = nn::kDefaultPriorPower;  ///< logit adjustment τ (nn/class_prior.hpp)
  std::string catalog;     ///< empty: the default catalog, else the starter catalog
  std::string history_db;  ///< empty: $XDG_DATA_HOME/emomusic/history.db
  bool no_history = false;
  bool open = false;
  int threads = 8;
  bool no_spotify = false;
#ifdef EMOMUSIC_WITH_SPOTIFY
  SpotifyOptions spotify;
#endif
};

void setup_serve(CLI::App& app, Command& command);
int run_serve(const ServeOptions& options);

}  // namespace emomusic::app
