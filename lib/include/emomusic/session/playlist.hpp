#pragma once
/// @file
/// "Emotion + preferences → playlist" and "playlist → Spotify playlist": the chains `recommend`
/// and `serve` share. A plan from the mapping, candidates ranked with the listener's likes and
/// skips, an optional top-up from Spotify when the catalog cannot fill the playlist, and saving
/// the result in the listener's Spotify account.
///
/// Thread safety: make_playlist() only reads its MoodMapping and Candidates, so several threads
/// may call it at once over the same ones; each call opens the history file for the feedback on
/// its own. A SpotifyClient is not thread-safe: a caller that shares one (the web server) holds
/// its own lock around top_up_playlist() and save_to_spotify(), and ranks with rank_playlist()
/// outside it, so that only the rare short playlist waits for that lock.

#include <cstdint>
#include <filesystem>
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

/// The bounds of PlaylistRequest's numeric fields, for every front end that sets them;
/// rank_playlist() checks them.
inline constexpr ValueRange<int> kStepsRange{2, 20};
inline constexpr ValueRange<int> kLimitRange{1, 1000};
inline constexpr ValueRange<int> kMaxPerArtistRange{1, 1000};
inline constexpr ValueRange<double> kDiversityRange{0.0, 1.0};
inline constexpr ValueRange<double> kPopularityWeightRange{0.0, 10.0};
inline constexpr ValueRange<double> kVarietyRange{0.0, 1.0};
/// Seeds as Playlist::seed reports them (a fresh one is 32 bits), so that any can be passed back.
inline constexpr ValueRange<std::int64_t> kSeedRange{0, 4'294'967'295};

/// What the listener asked for. Defaults are recommend's.
struct PlaylistRequest {
  Emotion emotion = Emotion::kNeutral;
  std::optional<music::Strategy> strategy;  ///< absent: the emotion's default from the mapping
  std::string target;                       ///< lift destination; empty: the emotion's default
  int steps = 4;                            ///< lift waypoints, start and end included
  int limit = 20;                           ///< tracks wanted
  music::TrackFilter filter;
  int max_per_artist = 2;
  double diversity = 0.1;
  double popularity_weight = 0.0;
  double variety = 0.03;
  std::optional<std::uint64_t> seed;  ///< absent: a fresh random seed
  /// Rank with the likes and skips for the emotion from `history` (a missing file means none).
  bool use_feedback = true;
  std::filesystem::path history;  ///< empty: music::default_history_path()
  /// Given: these likes and skips (for `emotion`), and `history` is not read. A front end that
  /// keeps its history elsewhere (the server's in memory) passes them.
  std::optional<music::Feedback> feedback;
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

/// Plans and ranks a playlist for `request` from `candidates`, then, when `spotify` is given,
/// tops it up (top_up_playlist()), and insists on a track (require_tracks()). Throws UsageError
/// for an unknown target or steps < 2, InputError for an unreadable history, NotFoundError when
/// neither the catalog nor Spotify has a track that passes the filter.
Playlist make_playlist(const PlaylistRequest& request, const music::MoodMapping& mapping,
                       const music::Candidates& candidates,
                       spotify::SpotifyClient* spotify = nullptr);

/// Throws UsageError naming the field when a numeric field of `request` is outside its range
/// (above), NaN included.
void check_request(const PlaylistRequest& request);

/// The first step of make_playlist(), for a caller that tops up under a lock of its own: the
/// plan and the catalog's tracks; check_request() first. A catalog without a fitting track is not
/// an error here: the playlist is empty and `catalog_empty` says why, so that Spotify may still
/// fill it.
Playlist rank_playlist(const PlaylistRequest& request, const music::MoodMapping& mapping,
                       const music::Candidates& candidates);

/// The last step of make_playlist(): throws NotFoundError (saying why the catalog, and Spotify
/// if it was asked, gave nothing) when `playlist` holds no track.
void require_tracks(const Playlist& playlist);

/// True when `playlist` holds fewer tracks than `request` asked for: a Spotify top-up would add.
bool needs_top_up(const Playlist& playlist, const PlaylistRequest& request);

/// Fills a short playlist up to `request.limit` from Spotify, without the tracks its feedback
/// skips, and counts them in `from_spotify`. A Spotify failure is not an error: it leaves the
/// playlist short and says why in `spotify_failure`. Throws UnavailableError in a build without
/// Spotify.
void top_up_playlist(Playlist& playlist, const PlaylistRequest& request,
                     spotify::SpotifyClient& spotify);

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
                              const std::string& description = "Made by emomusic");
/// The same for the tracks of `playlist`.
SavedPlaylist save_to_spotify(spotify::SpotifyClient& spotify, const std::string& name,
                              const Playlist& playlist,
                              const std::string& description = "Made by emomusic");

/// {"id", "url", "tracks_added", "tracks_left_out"}.
nlohmann::ordered_json to_json(const SavedPlaylist& saved);

/// The playlist as `recommend -f json` prints it: an array of track objects (music/
/// playlist_format.hpp). Write it with dump_json().
nlohmann::ordered_json to_json(const Playlist& playlist);

}  // namespace emomusic::session
