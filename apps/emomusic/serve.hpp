#pragma once

#include <CLI/CLI.hpp>

#include "command.hpp"
#include "emomusic/session/web_server.hpp"
#ifdef EMOMUSIC_WITH_SPOTIFY
#include "spotify_options.hpp"
#endif

namespace emomusic::app {

/// `serve`: the local web page and its JSON API (session/web_server.hpp holds the server). The
/// options bind straight into the server's, which hold every default.
struct ServeOptions {
  session::WebServerOptions server;
  bool open = false;
  bool no_spotify = false;
#ifdef EMOMUSIC_WITH_SPOTIFY
  SpotifyOptions spotify;
#endif
};

void setup_serve(CLI::App& app, Command& command);
int run_serve(const ServeOptions& options);

}  // namespace emomusic::app
