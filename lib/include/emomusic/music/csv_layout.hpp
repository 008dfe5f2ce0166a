#pragma once
/// @file
/// Which CSV column holds which track field: the layouts of the common Spotify-feature datasets,
/// a user-given column map, and turning one CSV record into a Track or a reason why not.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "emomusic/core/error.hpp"
#include "emomusic/music/track.hpp"

namespace emomusic::music {

/// A CSV header that matches no known layout; a front end catches this type to name its
/// column-map option.
struct UnknownLayoutError : InputError {
  using InputError::InputError;
};

/// Track fields a CSV column can fill. `release_date` is read only for its year.
enum class Field {
  kId,
  kName,
  kArtists,
  kAlbum,
  kGenre,
  kYear,
  kReleaseDate,
  kPopularity,
  kExplicit,
  kDurationMs,
  kValence,
  kEnergy,
  kDanceability,
  kTempo,
  kAcousticness,
  kLanguage
};

/// The field names of a column map: id, name, artists, album, genre, year, release_date,
/// popularity, explicit, duration_ms, valence, energy, danceability, tempo, acousticness, language.
std::string_view field_name(Field f);

struct CsvLayout {
  std::string name;                      ///< e.g. "kaggle-114k", or "column-map"
  std::map<Field, std::string> columns;  ///< field → header name (compared case-insensitively)
  /// Splits the artists column into several artists; empty = the column holds one artist (the
  /// default, since names such as "Tyler, The Creator" contain commas).
  std::string artist_separator;
};

/// data_moods.csv ("moods"), spotify_tracks_14k.csv ("tracks-14k") and Kaggle's 114k-track
/// "Spotify Tracks Dataset" ("kaggle-114k").
const std::vector<CsvLayout>& known_layouts();

/// The first known layout whose columns all appear in `header`. Throws UnknownLayoutError naming
/// `source`, the layouts it knows and an example column map when none fits.
const CsvLayout& detect_layout(const std::vector<std::string>& header, const std::string& source);

/// Parses "id=track_uri,name=title,artists=artist,valence=v,energy=e[,artist_separator=;]".
/// Throws UsageError for an unknown field or when id, name, artists, valence or energy is missing.
CsvLayout parse_column_map(std::string_view spec);

/// The headers a language column goes by in the files that have one. A layout that names no
/// language column reads the first of these that the header holds.
inline constexpr std::string_view kLanguageHeaders[] = {"language", "lang", "track_language",
                                                        "lyrics_language"};

/// One CSV record turned into a Track, or the reason it cannot be used.
struct ParsedRow {
  std::optional<Track> track;
  std::string problem;
  /// A value of a usable record that could not be read and was left unknown instead (a language
  /// that is neither a code nor a known name): the track is still imported.
  std::string dropped = {};
};

/// Binds a layout to one file's header and converts its records.
class RowParser {
 public:
  /// Throws InputError naming `source` when the header lacks a column the layout needs, or names
  /// a column twice (compared as columns are found: trimmed, ignoring case), which would leave it
  /// unclear which one a field reads. Without a language column in `layout`, the first of
  /// kLanguageHeaders in `header` is read as one.
  RowParser(const CsvLayout& layout, const std::vector<std::string>& header,
            const std::string& source);

  ParsedRow parse(const std::vector<std::string>& record) const;

 private:
  CsvLayout layout_;
  std::size_t header_size_;
  std::map<Field, std::size_t> index_;
};

}  // namespace emomusic::music
