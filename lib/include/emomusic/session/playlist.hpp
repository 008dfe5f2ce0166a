#pragma once
/// @file
/// The steps of "emotion + preferences → playlist" and "playlist → Spotify playlist", which
/// session::Recommender (recommender.hpp) takes for every front end: a plan from the mapping,
/// candidates ranked with the listener's likes and skips, an optional top-up from Spotify when the
/// catalog cannot fill the playlist, and saving the result in the listener's Spotify account.
///
/// Thread safety: rank_playlist() only reads its MoodMapping and Candidates, so several threads
/// may call it at once over the same ones. A SpotifyClient is not thread-safe: its caller holds
/// a lock around top_up_playlist(), save_to_spotify() and refresh_in_spotify().

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "emomusic/core/emotion.hpp"
#include "emomusic/core/value_range.hpp"
#include "emomusic/music/candidates.hpp"
#include "emomusic/music/mood_mapping.hpp"
#include "emomusic/music/ranking.hpp"

namespace emomusic::spotify {
class SpotifyClient;
}

namespace emomusic::session {

/// The bounds of PlaylistRequest's own numeric fields (its ranking settings have theirs beside
/// music::RankSettings), for every front end that sets them; rank_playlist() checks them.
inline constexpr ValueRange<int> kStepsRange{2, 20};
/// Seeds as Playlist::seed reports them (a fresh one is 32 bits), so that any can be passed back.
inline constexpr ValueRange<std::int64_t> kSeedRange{0, 4'294'967'295};

/// What the listener asked for. Every default here is the one every front end uses.
struct PlaylistRequest {
  Emotion emotion = Emotion::kNeutral;
  std::optional<music::Strategy> strategy;  ///< absent: the emotion's default from the mapping
  std::string target;                       ///< lift destination; empty: the emotion's default
  int steps = 4;                            ///< lift waypoints, start and end included
  music::TrackFilter filter;
  music::RankSettings rank;
  std::optional<std::uint64_t> seed;  ///< absent: a fresh random seed
  /// Rank with the listener's likes and skips for the emotion (from the history).
  bool use_feedback = true;
};

/// The playlist and how it came about.
struct Playlist {
  music::PlaylistPlan plan;
  std::vector<music::Recommendation> tracks;
  std::string source;           ///< the candidates' source, e.g. "starter catalog …"
  std::uint64_t seed = 0;       ///< the seed used (pass it back to repeat the playlist)
  music::Feedback feedback;     ///< the likes and skips that were applied
  int from_spotify = 0;         ///< tracks the Spotify top-up added
  std::string spotify_failure;  ///< why the top-up failed; empty when it did not
  /// Why the catalog gave no track (no track passes the filter, or all were skipped); empty when
  /// it gave some.
  std::string catalog_empty;
};

/// Throws UsageError naming the field when a numeric field of `request` is outside its range
/// (above), NaN included.
void check_request(const PlaylistRequest& request);

/// The first step of a playlist (Recommender::recommend() takes them all): the plan and the
/// catalog's tracks, ranked with `feedback`; check_request() first. Throws UsageError for an
/// unknown target. A catalog without a fitting track is not an error here: the playlist is
/// empty and `catalog_empty` says why, so that Spotify may still fill it.
Playlist rank_playlist(const PlaylistRequest& request, const music::MoodMapping& mapping,
                       const music::Candidates& candidates, const music::Feedback& feedback = {});

/// The last step: throws NotFoundError (saying why the catalog, and Spotify if it was asked,
/// gave nothing) when `playlist` holds no track.
void require_tracks(const Playlist& playlist);

/// True when `playlist` holds fewer tracks than `request` asked for: a Spotify top-up would add.
bool needs_top_up(const Playlist& playlist, const PlaylistRequest& request);

/// Fills a short playlist up to `request.limit` from Spotify, without the tracks its feedback
/// skips, and counts them in `from_spotify`. A Spotify failure is not an error: it leaves the
/// playlist short and says why in `spotify_failure`. Throws UnavailableError in a build without
/// Spotify.
void top_up_playlist(Playlist& playlist, const PlaylistRequest& request,
                     spotify::SpotifyClient& spotify);

/// The description of a playlist saved in Spotify.
inline constexpr const char* kSavedPlaylistDescription = "Made by emomusic";

/// What saving a playlist in Spotify made.
struct SavedPlaylist {
  std::string id;
  std::string url;  ///< https://open.spotify.com/playlist/<id>
  std::size_t tracks_added = 0;
  std::size_t tracks_left_out = 0;  ///< tracks without a Spotify id (catalog-only tracks)
};

/// "Playlist → Spotify playlist": saves the tracks whose id is a Spotify id, in order, as the
/// private playlist `name` in the account of the user who ran `emomusic login`; the others (tracks
/// only the local catalog knows) are counted in `tracks_left_out`. Throws UsageError for an empty
/// name, no Spotify track or no login, ServiceError when Spotify fails (saying how many tracks
/// made it), UnavailableError in a build without Spotify.
SavedPlaylist save_to_spotify(spotify::SpotifyClient& spotify, const std::string& name,
                              const std::vector<std::string>& track_ids,
                              const std::string& description = kSavedPlaylistDescription);

/// What refreshing a playlist in Spotify changed.
struct RefreshedPlaylist {
  std::string id;
  std::string url;           ///< https://open.spotify.com/playlist/<id>
  std::size_t added = 0;     ///< new tracks, appended after the kept ones
  std::size_t removed = 0;   ///< old tracks that are not in the new playlist
  std::size_t kept = 0;      ///< tracks of the new playlist it held already, left in place
  std::size_t left_out = 0;  ///< tracks without a Spotify id (catalog-only tracks)
};

/// "Playlist → the tracks of an existing Spotify playlist": makes the logged-in user's own
/// playlist `name` hold the tracks whose id is a Spotify id (the others are counted in
/// `left_out`). Adds the new tracks first (at the end, in order), then removes the old tracks that
/// are not among them, so that a failure never leaves the playlist empty; tracks in both stay
/// where they were. The result's order is therefore: the kept tracks in their old order, then the
/// new ones. Episodes and local files in the playlist are left alone.
///
/// Which playlist: among the user's playlists (GET /me/playlists) those named exactly `name`
/// that the user owns (only an owner may change the tracks). When several are, the one made by
/// emomusic (its description starts with kSavedPlaylistDescription) is taken if it is the only
/// such one; else it is refused, since replacing the wrong playlist's tracks cannot be undone.
///
/// Throws NotFoundError naming `name` when the user owns no such playlist, UsageError for several
/// (saying how many and their ids), for no Spotify track or no login, ServiceError when Spotify
/// fails (saying what the playlist holds then: its old tracks, or its old and the new ones),
/// UnavailableError in a build without Spotify.
RefreshedPlaylist refresh_in_spotify(spotify::SpotifyClient& spotify, const std::string& name,
                                     const std::vector<std::string>& track_ids);

/// The ids of the playlist's tracks, in order.
std::vector<std::string> track_ids(const Playlist& playlist);

/// {"id", "url", "tracks_added", "tracks_left_out"}.
nlohmann::ordered_json to_json(const SavedPlaylist& saved);

/// {"id", "url", "added", "removed", "kept", "left_out"}.
nlohmann::ordered_json to_json(const RefreshedPlaylist& refreshed);

/// The playlist as `recommend -f json` prints it: an array of track objects (music/
/// playlist_format.hpp). Write it with dump_json().
nlohmann::ordered_json to_json(const Playlist& playlist);

}  // namespace emomusic::session
