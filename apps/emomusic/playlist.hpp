#pragma once
// `emomusic playlist create NAME`: a private playlist in the user's Spotify account from a list of
// track URIs (one per line), e.g. piped from `recommend --format uris`.
// `emomusic playlist refresh NAME --emotion E`: one of the user's playlists made to hold a new
// playlist for E (the options of `recommend`), e.g. from a weekly timer.

#include <CLI/CLI.hpp>
#include <string>

#include "command.hpp"
#include "emomusic/session/playlist.hpp"
#include "emomusic/session/recommender.hpp"
#include "spotify_options.hpp"

namespace emomusic::app {

struct PlaylistCreateOptions {
  std::string name;
  std::string uris_from = "-";  ///< a file, or "-" for stdin
  std::string description = session::kSavedPlaylistDescription;
  bool json = false;
  SpotifyOptions spotify;
};

/// The playlist options bind straight into the library's request and service options.
struct PlaylistRefreshOptions {
  std::string name;
  std::string emotion;  ///< a name or a label digit
  session::PlaylistRequest request;
  session::RecommenderOptions service;
  bool json = false;
  SpotifyOptions spotify;
};

void setup_playlist(CLI::App& app, Command& command);
int run_playlist_create(const PlaylistCreateOptions& options);
int run_playlist_refresh(const PlaylistRefreshOptions& options);

}  // namespace emomusic::app
