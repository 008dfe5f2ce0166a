#pragma once
/// @file
/// The Spotify Web API client of emomusic, limited to what a new app may still call (see
/// docs/spotify.md): search, recommendations while the app has them, the user's playlists (list,
/// read, create, add to, remove from).

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "emomusic/music/spotify/config.hpp"
#include "emomusic/music/spotify/track.hpp"

namespace emomusic::spotify {

class HttpClient;
class RequestSender;
class ResponseCache;
class TokenSource;

/// Spotify's search answers at most this many tracks per page for development-mode apps.
inline constexpr int kSearchPageLimit = 10;
/// Search pages cannot reach beyond this offset.
inline constexpr int kSearchMaxOffset = 1000;
/// Playlist item additions and removals take at most this many URIs per request.
inline constexpr std::size_t kPlaylistAddLimit = 100;
inline constexpr std::size_t kPlaylistRemoveLimit = 100;
/// GET /me/playlists answers at most this many playlists per page.
inline constexpr int kMyPlaylistsPageLimit = 50;

struct RecommendationQuery {
  std::vector<std::string> seed_genres;  ///< seeds of all kinds: 1 to 5 in total
  std::vector<std::string> seed_artists;
  std::vector<std::string> seed_tracks;
  /// Audio-feature targets without the prefix: {"valence", 0.8} → target_valence=0.8.
  std::map<std::string, double> targets;
  int limit = 20;  ///< 1..100
};

struct CreatedPlaylist {
  std::string id;
  std::string uri;
  std::string url;  ///< https://open.spotify.com/playlist/<id>
  std::size_t tracks_added = 0;
};

/// {"id", "uri", "url", "tracks_added"}, as `playlist create --json` prints it.
nlohmann::json to_json(const CreatedPlaylist& created);

/// A playlist in the user's library as GET /me/playlists lists it (owned or only followed).
struct PlaylistSummary {
  std::string id;
  std::string name;
  std::string description;  ///< as Spotify gives it back; empty when none
  std::string owner_id;     ///< the Spotify user id of its owner
  std::string snapshot_id;  ///< its version when listed; empty when Spotify gave none
  std::string url;          ///< https://open.spotify.com/playlist/<id>
};

class SpotifyClient {
 public:
  /// Catalog requests (search, recommendations) use the app's token from `credentials`, or from
  /// load_credentials() on first need; playlist requests use the user's stored login.
  explicit SpotifyClient(SpotifyConfig config, std::optional<Credentials> credentials = {});
  ~SpotifyClient();
  SpotifyClient(const SpotifyClient&) = delete;
  SpotifyClient& operator=(const SpotifyClient&) = delete;

  /// Up to `count` tracks for a search query (field filters such as artist:, genre: work),
  /// paging 10 at a time with offset; null items are skipped.
  std::vector<TrackInfo> search_tracks(const std::string& query, std::size_t count);

  /// The best match for a catalog track, or nullopt when Spotify has none.
  std::optional<TrackInfo> resolve_track(const std::string& name, const std::string& artist);

  /// Up to `count` distinct tracks found by genre (genre:"…") and mood words, taking turns
  /// between the queries so that each keyword contributes.
  std::vector<TrackInfo> find_tracks_by_keywords(const std::vector<std::string>& genres,
                                                 const std::vector<std::string>& moods,
                                                 std::size_t count);

  /// GET /recommendations, or nullopt when this app no longer has it: a 404 or 403 marks it
  /// unavailable for the rest of the run and in the cache, without retrying.
  std::optional<std::vector<TrackInfo>> recommendations(const RecommendationQuery& query);

  /// The tracks of one of the user's playlists (either response shape), 50 per page.
  std::vector<TrackInfo> playlist_tracks(const std::string& playlist_id);

  /// The logged-in user's Spotify id (GET /me).
  std::string current_user_id();

  /// Every playlist in the logged-in user's library, owned or followed, in Spotify's order
  /// (GET /me/playlists, 50 per page; null entries skipped).
  std::vector<PlaylistSummary> my_playlists();

  /// Appends `uris` (spotify:track:…) to the playlist in order, 100 per request; returns the
  /// playlist's snapshot_id after the last request. Throws UsageError for a malformed URI before
  /// sending anything; a failure says how many were added before it.
  std::string add_to_playlist(const std::string& playlist_id, const std::vector<std::string>& uris);

  /// Removes every occurrence of `uris` from the playlist, 100 per request, each against the
  /// snapshot the one before left (the first against `snapshot_id`; empty: the newest); returns
  /// the snapshot_id after the last. A failure says how many were removed before it.
  std::string remove_from_playlist(const std::string& playlist_id,
                                   const std::vector<std::string>& uris,
                                   const std::string& snapshot_id);

  /// Creates a private playlist in the user's account and adds `uris` (spotify:track:…) in
  /// order, 100 per request. Throws UsageError for an empty name, no URIs or a malformed URI
  /// before sending anything; a failure while adding says how many tracks made it.
  CreatedPlaylist create_playlist(const std::string& name, const std::vector<std::string>& uris,
                                  const std::string& description = "Made by emomusic");

 private:
  enum class Auth { kApp, kUser };
  /// Sends a request to <api_url><path>, renewing the token once on 401; caches app GETs.
  nlohmann::json call(const std::string& method, const std::string& path, Auth auth,
                      const nlohmann::json* body = nullptr);
  TokenSource& tokens(Auth auth);
  /// How many items the playlist holds by the server's count, or nullopt when it cannot say.
  std::optional<std::size_t> playlist_size(const std::string& playlist_id);

  SpotifyConfig config_;
  std::optional<Credentials> credentials_;
  std::unique_ptr<HttpClient> http_;
  std::unique_ptr<RequestSender> sender_;
  std::unique_ptr<ResponseCache> cache_;
  std::unique_ptr<TokenSource> app_tokens_;
  std::unique_ptr<TokenSource> user_tokens_;
  bool recommendations_unavailable_ = false;
};

}  // namespace emomusic::spotify
