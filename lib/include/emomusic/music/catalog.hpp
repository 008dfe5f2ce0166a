#pragma once
/// @file
/// The track catalog: one SQLite file, no server. Imports upsert by Spotify id, so importing the
/// same file twice changes nothing; a Transaction makes an import all-or-nothing.

#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "emomusic/core/value_range.hpp"
#include "emomusic/music/track.hpp"

namespace emomusic::music {

namespace detail {
class SqliteFile;
class SqliteStatement;
class SqliteTransaction;
}  // namespace detail

/// $XDG_DATA_HOME/emomusic/catalog.db (see core/paths.hpp).
std::filesystem::path default_catalog_path();

struct CatalogStats {
  long tracks = 0;
  long artists = 0;     ///< distinct artist names
  long with_genre = 0;  ///< tracks with at least one genre
  long with_year = 0;
  int first_year = 0;  ///< 0 when no track has a year
  int last_year = 0;
  long explicit_tracks = 0;
  double mean_valence = 0;
  double mean_energy = 0;
  std::vector<std::pair<std::string, long>> top_genres;  ///< most frequent first, at most 10
};

/// The stats as `catalog stats --json` prints them, with the catalog's path:
/// {"catalog", "tracks", "artists", "with_genre", "with_year", "first_year", "last_year",
/// "explicit", "mean_valence", "mean_energy", "top_genres": [{"genre", "tracks"}]}.
nlohmann::json to_json(const CatalogStats& stats, const std::filesystem::path& catalog);

/// The longest text Catalog::search() looks for: longer than any name, and far below SQLite's
/// limit on LIKE patterns (50,000 bytes), which would otherwise fail the search.
inline constexpr std::size_t kMaxSearchBytes = 1024;
/// The most hits Catalog::search() returns at once.
inline constexpr ValueRange<int> kSearchLimitRange{1, 100000};

class Catalog {
 public:
  enum class Mode { kReadOnly, kReadWrite };

  /// Opens (kReadWrite: creates if needed, or upgrades one made by an older emomusic) the catalog
  /// at `path`; an older catalog opened kReadOnly is read as it is, its tracks' languages
  /// unknown. Throws InputError when the file
  /// is missing (kReadOnly), is not a SQLite database, or is a database but not a catalog, and
  /// UnavailableError when another process holds it locked for longer than `busy_timeout_ms`.
  Catalog(const std::filesystem::path& path, Mode mode, int busy_timeout_ms = 3000);
  ~Catalog();
  Catalog(const Catalog&) = delete;
  Catalog& operator=(const Catalog&) = delete;

  const std::filesystem::path& path() const { return path_; }

  /// Inserts the track, or updates the one with its id; genres are merged with those already
  /// stored, since some datasets list a track once per genre.
  void upsert(const Track& track);

  long count() const;
  bool contains(std::string_view id) const;
  std::vector<Track> all_tracks() const;
  /// Tracks whose name, artists or album contain `text` (case-insensitive), most popular first;
  /// at most `limit` (kSearchLimitRange) of them. Throws InputError for a `text` over
  /// kMaxSearchBytes.
  std::vector<Track> search(std::string_view text, int limit) const;
  CatalogStats stats() const;

  /// All-or-nothing: upserts made while it lives are rolled back unless commit() is called.
  class Transaction {
   public:
    explicit Transaction(Catalog& catalog);
    ~Transaction();
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    void commit();

   private:
    std::unique_ptr<detail::SqliteTransaction> transaction_;
  };

 private:
  std::filesystem::path path_;
  std::unique_ptr<detail::SqliteFile> file_;
  std::unique_ptr<detail::SqliteStatement> upsert_;  ///< prepared once: imports upsert many rows
  bool has_language_ = true;  ///< false for a version 1 catalog opened read-only
};

}  // namespace emomusic::music
