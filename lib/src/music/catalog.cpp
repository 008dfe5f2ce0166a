#include "emomusic/music/catalog.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <iterator>
#include <map>
#include <set>
#include <system_error>

#include "emomusic/core/error.hpp"
#include "emomusic/core/paths.hpp"
#include "emomusic/core/text.hpp"
#include "sqlite_file.hpp"

namespace emomusic::music {
namespace fs = std::filesystem;

namespace {

// Bumped when the table layout changes; a newer file is refused rather than misread, an older
// one upgraded by kUpgrades when opened for writing.
constexpr int kSchemaVersion = 2;

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS tracks (
  id           TEXT PRIMARY KEY NOT NULL,  -- Spotify id, 22 base62 characters
  name         TEXT NOT NULL,
  artists      TEXT NOT NULL,              -- joined by ';', as in Kaggle's 114k dataset
  album        TEXT NOT NULL DEFAULT '',
  genre        TEXT NOT NULL DEFAULT '',   -- lower-case, joined by ';'
  year         INTEGER,                    -- NULL when unknown, as are the columns below
  popularity   INTEGER,
  explicit     INTEGER NOT NULL DEFAULT 0,
  duration_ms  INTEGER,
  valence      REAL NOT NULL,
  energy       REAL NOT NULL,
  danceability REAL,
  tempo        REAL,
  acousticness REAL,
  language     TEXT NOT NULL DEFAULT ''    -- ISO 639-1, lower case; '' when unknown
);
)sql";

// kUpgrades[i] takes a catalog from version i + 1 to i + 2. Version 2 added the language.
constexpr const char* kUpgrades[] = {
    "ALTER TABLE tracks ADD COLUMN language TEXT NOT NULL DEFAULT ''",
};
static_assert(std::size(kUpgrades) == kSchemaVersion - 1, "one upgrade per version");

// A version 1 catalog opened read-only has no language column: its tracks read as unknown.
std::string columns(bool has_language) {
  return std::string(
             "id, name, artists, album, genre, year, popularity, explicit, duration_ms, valence, "
             "energy, danceability, tempo, acousticness, ") +
         (has_language ? "language" : "''");
}

std::string join_artists(const std::vector<std::string>& artists) {
  std::string out;
  for (const auto& a : artists) out += (out.empty() ? "" : ";") + a;
  return out;
}

std::vector<std::string> split_artists(const std::string& joined) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= joined.size()) {
    const std::size_t end = std::min(joined.find(';', start), joined.size());
    if (end > start) out.push_back(joined.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

// SQL function merge_genres(a, b), so the upsert merges genre lists inside SQLite.
void sql_merge_genres(sqlite3_context* ctx, int, sqlite3_value** argv) {
  auto text = [](sqlite3_value* v) {
    const auto* p = sqlite3_value_text(v);
    return std::string(p ? reinterpret_cast<const char*>(p) : "");
  };
  const std::string merged = merge_genres(text(argv[0]), text(argv[1]));
  sqlite3_result_text(ctx, merged.c_str(), static_cast<int>(merged.size()), SQLITE_TRANSIENT);
}

}  // namespace

fs::path default_catalog_path() {
  return user_data_dir() / "catalog.db";
}

namespace {

using detail::SqliteFile;
using detail::SqliteStatement;

const detail::SqliteKind kCatalogKind{"catalog", "re-import it into a new file",
                                      "an import still running?",
                                      "give a new file name for the catalog"};

void bind_optional(SqliteStatement& s, int i, long long v, bool present) {
  present ? s.bind(i, v) : s.bind_null(i);
}
void bind_feature(SqliteStatement& s, int i, double v) {
  known(v) ? s.bind(i, v) : s.bind_null(i);
}
long long integer_or(const SqliteStatement& s, int col, long long if_null) {
  return s.is_null(col) ? if_null : s.integer(col);
}
double feature(const SqliteStatement& s, int col) {
  return s.is_null(col) ? kUnknownFeature : s.real(col);
}

// Reads a row selected with columns().
Track read_track(const SqliteStatement& s) {
  Track t;
  t.id = s.text(0);
  t.name = s.text(1);
  t.artists = split_artists(s.text(2));
  t.album = s.text(3);
  t.genre = s.text(4);
  t.year = static_cast<int>(integer_or(s, 5, 0));
  t.popularity = static_cast<int>(integer_or(s, 6, -1));
  t.explicit_lyrics = integer_or(s, 7, 0) != 0;
  t.duration_ms = integer_or(s, 8, 0);
  t.valence = feature(s, 9);
  t.energy = feature(s, 10);
  t.danceability = feature(s, 11);
  t.tempo = feature(s, 12);
  t.acousticness = feature(s, 13);
  t.language = s.text(14);
  return t;
}

}  // namespace

Catalog::Catalog(const fs::path& path, Mode mode, int busy_timeout_ms) : path_(path) {
  if (mode == Mode::kReadOnly && !fs::exists(path)) {
    throw InputError("catalog " + path.string() +
                     " does not exist; create it with `emomusic catalog import FILE.csv`");
  }
  const auto file_mode =
      mode == Mode::kReadOnly ? SqliteFile::Mode::kReadOnly : SqliteFile::Mode::kReadWrite;
  file_ = std::make_unique<SqliteFile>(path, file_mode, busy_timeout_ms, kCatalogKind);
  sqlite3_create_function(file_->handle(), "merge_genres", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC,
                          nullptr, sql_merge_genres, nullptr, nullptr);
  const auto version =
      file_->open_schema(file_mode, kSchema, kSchemaVersion, {"tracks"},
                         std::vector<const char*>(std::begin(kUpgrades), std::end(kUpgrades)));
  has_language_ = version >= 2;
}

Catalog::~Catalog() {
  upsert_.reset();  // a statement must be finalised before its connection closes
}

void Catalog::upsert(const Track& t) {
  static constexpr const char* kSql =
      "INSERT INTO tracks (id, name, artists, album, genre, year, popularity, explicit, "
      "duration_ms, valence, energy, danceability, tempo, acousticness, language) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15) "
      "ON CONFLICT(id) DO UPDATE SET name = excluded.name, artists = excluded.artists, "
      "album = CASE WHEN excluded.album = '' THEN album ELSE excluded.album END, "
      "genre = merge_genres(genre, excluded.genre), "
      "year = coalesce(excluded.year, year), popularity = coalesce(excluded.popularity, "
      "popularity), "
      "explicit = excluded.explicit, duration_ms = coalesce(excluded.duration_ms, duration_ms), "
      "valence = excluded.valence, energy = excluded.energy, "
      "danceability = coalesce(excluded.danceability, danceability), "
      "tempo = coalesce(excluded.tempo, tempo), "
      "acousticness = coalesce(excluded.acousticness, acousticness), "
      "language = CASE WHEN excluded.language = '' THEN language ELSE excluded.language END";
  if (!upsert_) upsert_ = std::make_unique<SqliteStatement>(*file_, kSql);
  SqliteStatement& s = *upsert_;
  s.reset();
  s.bind(1, t.id);
  s.bind(2, t.name);
  s.bind(3, join_artists(t.artists));
  s.bind(4, t.album);
  s.bind(5, t.genre);
  bind_optional(s, 6, t.year, t.year > 0);
  bind_optional(s, 7, t.popularity, t.popularity >= 0);
  s.bind(8, t.explicit_lyrics ? 1LL : 0LL);
  bind_optional(s, 9, t.duration_ms, t.duration_ms > 0);
  bind_feature(s, 10, t.valence);
  bind_feature(s, 11, t.energy);
  bind_feature(s, 12, t.danceability);
  bind_feature(s, 13, t.tempo);
  bind_feature(s, 14, t.acousticness);
  s.bind(15, t.language);
  s.step("write");
}

long Catalog::count() const {
  SqliteStatement s(*file_, "SELECT COUNT(*) FROM tracks");
  s.step("read");
  return static_cast<long>(s.integer(0));
}

bool Catalog::contains(std::string_view id) const {
  SqliteStatement s(*file_, "SELECT 1 FROM tracks WHERE id = ?1");
  s.bind(1, std::string(id));
  return s.step("read");
}

std::vector<Track> Catalog::all_tracks() const {
  SqliteStatement s(*file_,
                    ("SELECT " + columns(has_language_) + " FROM tracks ORDER BY id").c_str());
  std::vector<Track> out;
  while (s.step("read")) out.push_back(read_track(s));
  return out;
}

std::vector<Track> Catalog::search(std::string_view text, int limit) const {
  if (text.size() > kMaxSearchBytes) {
    throw InputError("search text " + excerpt(text, 40) + " is " + std::to_string(text.size()) +
                     " bytes, over the limit of " + std::to_string(kMaxSearchBytes));
  }
  check_range(limit, kSearchLimitRange, "the search limit");
  // LIKE wildcards typed by the user are matched literally.
  std::string pattern = "%";
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') pattern += '\\';
    pattern += c;
  }
  pattern += "%";
  SqliteStatement s(*file_,
                    ("SELECT " + columns(has_language_) +
                     " FROM tracks WHERE name LIKE ?1 ESCAPE '\\' OR artists LIKE ?1 ESCAPE '\\' "
                     "OR album LIKE ?1 ESCAPE '\\' "
                     "ORDER BY coalesce(popularity, -1) DESC, name LIMIT ?2")
                        .c_str());
  s.bind(1, pattern);
  s.bind(2, static_cast<long long>(limit));
  std::vector<Track> out;
  while (s.step("read")) out.push_back(read_track(s));
  return out;
}

nlohmann::json to_json(const CatalogStats& s, const std::filesystem::path& catalog) {
  nlohmann::json genres = nlohmann::json::array();
  for (const auto& [g, n] : s.top_genres) genres.push_back({{"genre", g}, {"tracks", n}});
  return {{"catalog", catalog.string()},
          {"tracks", s.tracks},
          {"artists", s.artists},
          {"with_genre", s.with_genre},
          {"with_year", s.with_year},
          {"first_year", s.first_year},
          {"last_year", s.last_year},
          {"explicit", s.explicit_tracks},
          {"mean_valence", s.mean_valence},
          {"mean_energy", s.mean_energy},
          {"top_genres", genres}};
}

CatalogStats Catalog::stats() const {
  CatalogStats st;
  {
    SqliteStatement s(
        *file_,
        "SELECT COUNT(*), COUNT(NULLIF(genre, '')), COUNT(year), MIN(year), MAX(year), "
        "SUM(explicit), AVG(valence), AVG(energy) FROM tracks");
    s.step("read");
    st.tracks = static_cast<long>(s.integer(0));
    st.with_genre = static_cast<long>(s.integer(1));
    st.with_year = static_cast<long>(s.integer(2));
    st.first_year = static_cast<int>(s.integer(3));
    st.last_year = static_cast<int>(s.integer(4));
    st.explicit_tracks = static_cast<long>(s.integer(5));
    st.mean_valence = st.tracks ? feature(s, 6) : 0.0;
    st.mean_energy = st.tracks ? feature(s, 7) : 0.0;
  }
  // Artists and genres are ';'-joined lists, so they are counted here rather than in SQL.
  SqliteStatement s(*file_, "SELECT artists, genre FROM tracks");
  std::set<std::string> artists;
  std::map<std::string, long> genres;
  while (s.step("read")) {
    for (auto& a : split_artists(s.text(0))) artists.insert(std::move(a));
    for (auto& g : split_artists(s.text(1))) ++genres[g];
  }
  st.artists = static_cast<long>(artists.size());
  st.top_genres.assign(genres.begin(), genres.end());
  std::stable_sort(st.top_genres.begin(), st.top_genres.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  if (st.top_genres.size() > 10) st.top_genres.resize(10);
  return st;
}

Catalog::Transaction::Transaction(Catalog& catalog)
    : transaction_(std::make_unique<detail::SqliteTransaction>(*catalog.file_)) {}

Catalog::Transaction::~Transaction() = default;

void Catalog::Transaction::commit() {
  transaction_->commit();
}

}  // namespace emomusic::music
