#pragma once
// Options shared by every subcommand that talks to Spotify (login, playlist, and recommend when
// it uses Spotify): timeouts, how long a rate limit may hold us up, and the response cache.

#include <CLI/CLI.hpp>
#include <string>

#include "emomusic/music/spotify/config.hpp"

namespace emomusic::app {

struct SpotifyOptions {
  double timeout_s = 20;         ///< whole request, transfer included
  double connect_timeout_s = 5;  ///< TCP and TLS set-up
  int max_wait_s = 60;           ///< longest Retry-After we sit out
  int retries = 3;               ///< resends after a 5xx or a timeout
  bool no_cache = false;
  std::string market;  ///< normalised; empty: EMOMUSIC_SPOTIFY_MARKET, else Spotify's choice
};

/// Adds --timeout, --connect-timeout, --max-wait, --retries, --no-cache and --market to `cmd`.
void add_spotify_options(CLI::App& cmd, SpotifyOptions& options);

/// SpotifyConfig::from_environment() with the options applied.
spotify::SpotifyConfig spotify_config(const SpotifyOptions& options);

}  // namespace emomusic::app
