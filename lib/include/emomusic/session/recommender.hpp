#pragma once
/// @file
/// "An emotion → a playlist → the listener's Spotify": the one service that `recommend`, `serve`
/// and any later front end call. It owns what a playlist is made from (the mapping, the
/// candidates), the listener's history (likes and skips shape the ranking; moods are recorded
/// in it) and the optional Spotify client with its lock.
///
/// Thread safety: every method may be called from several threads at once. The mapping and the
/// candidates are loaded once and only read; ranking runs outside any lock; the one Spotify
/// client is used under a mutex by the calls that need it (a short playlist's top-up, a save, a
/// refresh),
/// so only they wait for each other.

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "emomusic/music/candidates.hpp"
#include "emomusic/music/mood_mapping.hpp"
#include "emomusic/music/spotify/config.hpp"
#include "emomusic/session/listener_history.hpp"
#include "emomusic/session/playlist.hpp"

namespace emomusic::session {

/// Where the service finds Spotify, and as which app.
struct SpotifyAccess {
  spotify::SpotifyConfig config;  ///< its token_path holds the login that saving needs
  spotify::Credentials credentials;
};

/// What a playlist is made from.
struct RecommenderOptions {
  std::optional<std::filesystem::path> catalog;  ///< absent: music::load_candidates()'s default
  std::filesystem::path mapping;                 ///< empty: the shipped emotion_music.json
  std::filesystem::path history;                 ///< empty: music::default_history_path()
  /// false: keep nothing on disk; moods, likes and skips live in memory until the service is
  /// gone, and `history` is neither read nor written.
  bool keep_history = true;
  std::optional<SpotifyAccess> spotify;  ///< absent: offline; no top-up, no saving
  /// Fill a playlist the catalog cannot from Spotify (with `spotify`); saving works either way.
  bool top_up = true;
};

class Recommender {
 public:
  /// Loads the mapping and the candidates (InputError; NotFoundError for a named catalog that
  /// holds no track) and checks the history (ListenerHistory), so that a bad file fails before
  /// anything is asked.
  explicit Recommender(const RecommenderOptions& options);
  ~Recommender();
  Recommender(const Recommender&) = delete;
  Recommender& operator=(const Recommender&) = delete;

  /// The playlist for `request`: planned, ranked with the history's likes and skips for its
  /// emotion (request.use_feedback), topped up from Spotify when short (a Spotify failure only
  /// leaves it short, and is logged). Throws UsageError for a setting out of range or an unknown
  /// target, InputError for an unreadable history, NotFoundError when nothing fits.
  Playlist recommend(const PlaylistRequest& request);

  /// Saves the tracks with a Spotify id as the private playlist `name` in the logged-in user's
  /// account (save_to_spotify()). Throws UnavailableError when this service has no Spotify, and
  /// what save_to_spotify() throws.
  SavedPlaylist save(const std::string& name, const std::vector<std::string>& track_ids,
                     const std::string& description = kSavedPlaylistDescription);

  /// Makes the logged-in user's own Spotify playlist `name` hold the tracks with a Spotify id,
  /// adding the new ones before removing the old (refresh_in_spotify()). Throws UnavailableError
  /// when this service has no Spotify, and what refresh_in_spotify() throws.
  RefreshedPlaylist refresh(const std::string& name, const std::vector<std::string>& track_ids);

  /// Whether Spotify was given (RecommenderOptions::spotify).
  bool has_spotify() const;
  /// Whether a login's tokens are there for saving (false without Spotify).
  bool spotify_login() const;

  const music::MoodMapping& mapping() const;
  ListenerHistory& history();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace emomusic::session
