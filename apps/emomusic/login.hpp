#pragma once
// `emomusic login`: lets emomusic create playlists in the user's Spotify account.

#include <CLI/CLI.hpp>

#include "command.hpp"
#include "spotify_options.hpp"

namespace emomusic::app {

struct LoginOptions {
  int port = 0;  ///< 0: any free port (Spotify accepts any port for a 127.0.0.1 redirect URI)
  bool no_browser = false;
  int wait_s = 300;
  SpotifyOptions spotify;
};

void setup_login(CLI::App& app, Command& command);
int run_login(const LoginOptions& options);

}  // namespace emomusic::app
