#pragma once
// `emomusic playlist create NAME`: a private playlist in the user's Spotify account from a list of
// track URIs (one per line), e.g. piped from `recommend --format uris`.

#include <CLI/CLI.hpp>
#include <string>

#include "command.hpp"
#include "spotify_options.hpp"

namespace emomusic::app {

struct PlaylistOptions {
  std::string name;
  std::string uris_from = "-";  ///< a file, or "-" for stdin
  std::string description = "Made by emomusic";
  bool json = false;
  SpotifyOptions spotify;
};

void setup_playlist(CLI::App& app, Command& command);
int run_playlist(const PlaylistOptions& options);

}  // namespace emomusic::app
