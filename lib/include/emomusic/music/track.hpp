#pragma once
/// @file
/// One piece of music with the audio features that the recommender ranks on. Every source (the
/// SQLite catalog, the starter catalog, later the Spotify client) produces these, so ranking never
/// depends on where a track came from.

#include <cmath>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace emomusic::music {

/// Marks an audio feature that the source did not provide; ranking skips it for that track.
inline constexpr double kUnknownFeature = std::numeric_limits<double>::quiet_NaN();
inline bool known(double feature) {
  return !std::isnan(feature);
}

struct Track {
  std::string id;  ///< Spotify track id: 22 base62 characters
  std::string name;
  std::vector<std::string> artists;
  std::string album;
  std::string genre;    ///< one or more genres joined by ';' (empty when unknown)
  int year = 0;         ///< release year; 0 when unknown
  int popularity = -1;  ///< Spotify popularity 0..100; -1 when unknown
  bool explicit_lyrics = false;
  long long duration_ms = 0;  ///< 0 when unknown
  std::string language;       ///< of the lyrics, ISO 639-1 in lower case ("en"); empty when unknown

  // Spotify audio features. valence and energy are always known; the others may be kUnknownFeature.
  double valence = 0.0;                   ///< 0..1, musical positiveness
  double energy = 0.0;                    ///< 0..1, intensity
  double danceability = kUnknownFeature;  ///< 0..1
  double tempo = kUnknownFeature;         ///< beats per minute
  double acousticness = kUnknownFeature;  ///< 0..1

  /// "spotify:track:<id>"
  std::string uri() const;
  /// "https://open.spotify.com/track/<id>", which opens in the Spotify app or web player.
  std::string url() const;
  /// Artists joined by ", " for display.
  std::string artist_line() const;
};

/// True for exactly 22 characters of [0-9A-Za-z].
bool is_spotify_id(std::string_view id);

/// "spotify:track:<id>", the URI Spotify's playlist requests take.
std::string track_uri(std::string_view id);

/// Accepts a bare id, a "spotify:track:<id>" URI or an "https://open.spotify.com/track/<id>?si=…"
/// link, with surrounding whitespace; returns the bare id, or nullopt when it is none of these.
std::optional<std::string> normalize_track_id(std::string_view text);

/// A language as catalogs write it, as an ISO 639-1 code in lower case: a two-letter code ("EN"
/// → "en"), a language tag with a region ("pt-BR", "en_US" → its language) or the English name of
/// a common language ("Spanish" → "es"; the table is kLanguageNames in track.cpp), ignoring case
/// and surrounding spaces. Returns nullopt for anything else, blank included.
std::optional<std::string> normalize_language(std::string_view text);

/// Genre lists are stored as lower-case names joined by ';'. Returns the union of both lists,
/// in first-seen order, so merging the same genre twice changes nothing.
std::string merge_genres(std::string_view a, std::string_view b);

}  // namespace emomusic::music
