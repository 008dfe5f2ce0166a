#pragma once
/// @file
/// Choosing a playlist from candidate tracks: nearest to each waypoint's feature target, with
/// filters, a popularity weight, at most N tracks per artist, maximal marginal relevance against
/// near-identical picks, and a little seeded randomness so that runs differ unless --seed is given.
/// Works on plain Track lists, whatever their source.

#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "emomusic/core/value_range.hpp"
#include "emomusic/music/mood_mapping.hpp"
#include "emomusic/music/track.hpp"

namespace emomusic::music {

struct TrackFilter {
  std::string genre;   ///< case-insensitive part of one of the track's genres; empty = any
  std::string artist;  ///< case-insensitive part of one of the track's artists; empty = any
  bool no_explicit = false;
  int year_from = 0;  ///< 0 = open; a year filter excludes tracks of unknown year
  int year_to = 0;
  /// ISO 639-1 code as Track::language holds it; empty = any. A language filter excludes tracks
  /// of unknown language.
  std::string language;

  bool matches(const Track& t) const;
  /// "1999", "1990-1999", "1990-" or "-1999"; throws UsageError otherwise.
  void set_years(std::string_view range);
  /// A code, tag or name as normalize_language() reads it ("es", "pt-BR", "Spanish"); blank
  /// clears the filter. Throws UsageError for anything else.
  void set_language(std::string_view text);
  /// "genre rock, years 1990-1999, language es", for messages.
  std::string describe() const;
};

/// What the listener said about tracks for one mood: the likes and skips that
/// music/mood_history.hpp keeps, for the emotion being played for. Track ids are Spotify ids;
/// artist names are compared case-insensitively. An empty Feedback changes nothing.
struct Feedback {
  std::set<std::string> liked_tracks;
  std::set<std::string> liked_artists;
  std::set<std::string> skipped_tracks;
  std::set<std::string> skipped_artists;

  bool empty() const {
    return liked_tracks.empty() && liked_artists.empty() && skipped_tracks.empty() &&
           skipped_artists.empty();
  }
  /// True when the listener skipped this very track (by id): it never comes back for the mood.
  bool skips(const Track& track) const { return skipped_tracks.count(track.id) > 0; }
};

/// How feedback moves a track, by scaling its feature distance (what ranking minimises; the
/// distance reported as the "why" stays the true one). The first that applies counts: a liked
/// track, then one by a skipped artist, then one by a liked artist.
inline constexpr double kLikedTrackScale = 0.5;
inline constexpr double kSkippedArtistScale = 1.5;
/// Added on top of the skipped-artist scale, so that even an exact match falls behind near ones.
inline constexpr double kSkippedArtistPenalty = 0.05;
inline constexpr double kLikedArtistScale = 0.75;

/// The listener's choices for ranking, each with its default; the ranges below are the ones
/// every front end offers and check_rank_settings() enforces.
struct RankSettings {
  int limit = 20;  ///< tracks wanted
  int max_per_artist = 2;
  /// Maximal-marginal-relevance trade-off: 0 ranks by distance alone; higher values push away
  /// tracks that sound like ones already chosen.
  double diversity = 0.1;
  /// Adds weight × (1 − popularity/100) to a track's distance; unknown popularity counts as 50.
  double popularity_weight = 0.0;
  /// Random jitter, up to this much, added to each distance so near-ties change between runs.
  double variety = 0.03;
};

inline constexpr ValueRange<int> kLimitRange{1, 1000};
inline constexpr ValueRange<int> kMaxPerArtistRange{1, 1000};
inline constexpr ValueRange<double> kDiversityRange{0.0, 1.0};
inline constexpr ValueRange<double> kPopularityWeightRange{0.0, 10.0};
inline constexpr ValueRange<double> kVarietyRange{0.0, 1.0};

/// Throws UsageError naming the setting when one is outside its range, NaN included.
void check_rank_settings(const RankSettings& settings);

struct RankOptions : RankSettings {
  std::uint64_t seed = 0;  ///< of the jitter (`variety`)
  /// Likes and skips for the mood being played for: skipped tracks are left out, liked tracks
  /// and artists pulled nearer, skipped artists pushed away (see kLikedTrackScale and others).
  Feedback feedback;
};

/// A chosen track and why: its distance to the waypoint it was chosen for.
struct Recommendation {
  Track track;
  double distance = 0.0;  ///< weighted feature distance to the target, 0 = exact
  std::string target;     ///< the waypoint's label
  int step = 1;           ///< 1-based waypoint number
  int steps = 1;
};

/// Weighted root-mean-square difference over the features both sides know, in 0..1; tempo is
/// scaled to 0..1 over the weights' tempo range first.
double feature_distance(const Track& track, const FeatureTarget& target, const FeatureWeights& w);

/// Splits `options.limit` evenly over the waypoints and picks, waypoint by waypoint, the tracks
/// nearest to each. A lift's tracks are ordered along the path, a match's by distance. Returns
/// fewer than `limit` when the filters, the per-artist cap or skips leave too few tracks; throws
/// NotFoundError when no track passes the filter and the skips.
std::vector<Recommendation> recommend(const std::vector<Track>& tracks,
                                      const std::vector<Waypoint>& waypoints,
                                      const FeatureWeights& weights, const TrackFilter& filter,
                                      const RankOptions& options);

/// Removes the tracks that `feedback` skips, for playlists topped up from elsewhere (Spotify)
/// after ranking. Returns how many it removed.
std::size_t drop_skipped(std::vector<Recommendation>& playlist, const Feedback& feedback);

}  // namespace emomusic::music
