#include "emomusic/music/catalog.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <map>
#include <set>
#include <system_error>

#include "emomusic/core/error.hpp"
#include "emomusic/core/paths.hpp"

namespace emomusic::music {
namespace fs = std::filesystem;

namespace {

// Bumped when the table layout changes; a newer file is refused rather than misread.
constexpr int kSchemaVersion = 1;

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
  acousticness REAL
);
)sql";

constexpr const char* kColumns =
    "id, name, artists, album, genre, year, popularity, explicit, duration_ms, valence, energy, "
    "danceability, tempo, acousticness";

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

// A prepared statement that is finalised however the scope is left.
class Catalog::Statement {
 public:
  Statement(const Catalog& catalog, const char* sql) : catalog_(catalog) {
    const int rc = sqlite3_prepare_v2(catalog.db_, sql, -1, &stmt_, nullptr);
    if (rc != SQLITE_OK) catalog.fail(rc, "reading");
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  /// Makes a prepared statement ready to run again with new bindings.
  void reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }

  void bind(int i, const std::string& v) {
    sqlite3_bind_text(stmt_, i, v.c_str(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  }
  void bind(int i, long long v) { sqlite3_bind_int64(stmt_, i, v); }
  void bind_optional(int i, long long v, bool present) {
    present ? sqlite3_bind_int64(stmt_, i, v) : sqlite3_bind_null(stmt_, i);
  }
  void bind_feature(int i, double v) {
    known(v) ? sqlite3_bind_double(stmt_, i, v) : sqlite3_bind_null(stmt_, i);
  }

  /// true while there is a row; throws on error.
  bool step(const char* doing) {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    catalog_.fail(rc, doing);
  }

  std::string text(int col) const {
    const auto* p = sqlite3_column_text(stmt_, col);
    return p ? reinterpret_cast<const char*>(p) : "";
  }
  long long integer(int col, long long if_null) const {
    return sqlite3_column_type(stmt_, col) == SQLITE_NULL ? if_null
                                                          : sqlite3_column_int64(stmt_, col);
  }
  double real(int col) const {
    return sqlite3_column_type(stmt_, col) == SQLITE_NULL ? kUnknownFeature
                                                          : sqlite3_column_double(stmt_, col);
  }

  // Reads a row selected with kColumns.
  Track track() const {
    Track t;
    t.id = text(0);
    t.name = text(1);
    t.artists = split_artists(text(2));
    t.album = text(3);
    t.genre = text(4);
    t.year = static_cast<int>(integer(5, 0));
    t.popularity = static_cast<int>(integer(6, -1));
    t.explicit_lyrics = integer(7, 0) != 0;
    t.duration_ms = integer(8, 0);
    t.valence = real(9);
    t.energy = real(10);
    t.danceability = real(11);
    t.tempo = real(12);
    t.acousticness = real(13);
    return t;
  }

 private:
  const Catalog& catalog_;
  sqlite3_stmt* stmt_ = nullptr;
};

Catalog::Catalog(const fs::path& path, Mode mode, int busy_timeout_ms) : path_(path) {
  if (mode == Mode::kReadOnly && !fs::exists(path)) {
    throw InputError("catalog " + path.string() +
                     " does not exist; create it with `emomusic catalog import FILE.csv`");
  }
  if (mode == Mode::kReadWrite && path.has_parent_path()) {
    std::error_code ec;
    fs::create_directories(path.parent_path(), ec);
    if (ec) {
      throw InputError("cannot create " + path.parent_path().string() + ": " + ec.message());
    }
  }
  const int flags =
      mode == Mode::kReadOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
  const int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
  if (rc != SQLITE_OK) {
    const std::string why = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    sqlite3_close(db_);
    db_ = nullptr;
    throw InputError("cannot open catalog " + path.string() + ": " + why);
  }
  try {
    sqlite3_busy_timeout(db_, busy_timeout_ms);
    sqlite3_create_function(db_, "merge_genres", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nullptr,
                            sql_merge_genres, nullptr, nullptr);
    // The first read is where SQLite notices a file that is not a database, or a lock.
    Statement version(*this, "PRAGMA user_version");
    version.step("reading");
    const long long found = version.integer(0, 0);
    if (found > kSchemaVersion) {
      throw InputError("catalog " + path.string() + " has schema version " + std::to_string(found) +
                       "; this emomusic reads up to " + std::to_string(kSchemaVersion) +
                       " (upgrade emomusic)");
    }
    if (mode == Mode::kReadWrite && found == 0) {
      // Only an empty database becomes a catalog: another program's database gets no table.
      bool has_tables = false;
      {
        Statement any_table(*this, "SELECT 1 FROM sqlite_master");
        has_tables = any_table.step("reading");
      }
      if (has_tables) {
        throw InputError(path.string() +
                         " is a SQLite database but not an emomusic catalog (it holds other "
                         "tables); give a new file name for the catalog");
      }
      exec(kSchema);
      exec(("PRAGMA user_version = " + std::to_string(kSchemaVersion)).c_str());
    }
    Statement has_tracks(*this, "SELECT 1 FROM sqlite_master WHERE type='table' AND name='tracks'");
    if (!has_tracks.step("reading")) {
      throw InputError(path.string() +
                       " is a SQLite database but not an emomusic catalog "
                       "(it has no tracks table)");
    }
  } catch (...) {
    sqlite3_close(db_);
    throw;
  }
}

Catalog::~Catalog() {
  upsert_.reset();  // a statement must be finalised before its connection closes
  sqlite3_close(db_);
}

void Catalog::fail(int rc, const std::string& doing) const {
  const std::string where = "catalog " + path_.string();
  const std::string detail = sqlite3_errmsg(db_);
  switch (rc & 0xff) {
    case SQLITE_NOTADB:
      throw InputError(path_.string() + " is not a SQLite database (" + detail +
                       "); name a catalog file made by emomusic");
    case SQLITE_CORRUPT:
      throw InputError(where + " is corrupt (" + detail + "); re-import it into a new file");
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      throw UnavailableError(where +
                             " is locked by another process (an import still "
                             "running?); try again when it has finished");
    case SQLITE_READONLY:
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
      throw InputError(where + ": cannot " + doing + " it (" + detail + ")");
    default:
      throw Error(ExitCode::kFailure, where + ": " + doing + " failed: " + detail);
  }
}

void Catalog::exec(const char* sql) const {
  const int rc = sqlite3_exec(db_, sql, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) fail(rc, "writing");
}

void Catalog::upsert(const Track& t) {
  static constexpr const char* kSql =
      "INSERT INTO tracks (id, name, artists, album, genre, year, popularity, explicit, "
      "duration_ms, valence, energy, danceability, tempo, acousticness) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14) "
      "ON CONFLICT(id) DO UPDATE SET name = excluded.name, artists = excluded.artists, "
      "album = CASE WHEN excluded.album = '' THEN album ELSE excluded.album END, "
      "genre = merge_genres(genre, excluded.genre), "
      "year = coalesce(excluded.year, year), popularity = coalesce(excluded.popularity, "
      "popularity), "
      "explicit = excluded.explicit, duration_ms = coalesce(excluded.duration_ms, duration_ms), "
      "valence = excluded.valence, energy = excluded.energy, "
      "danceability = coalesce(excluded.danceability, danceability), "
      "tempo = coalesce(excluded.tempo, tempo), "
      "acousticness = coalesce(excluded.acousticness, acousticness)";
  if (!upsert_) upsert_ = std::make_unique<Statement>(*this, kSql);
  Statement& s = *upsert_;
  s.reset();
  s.bind(1, t.id);
  s.bind(2, t.name);
  s.bind(3, join_artists(t.artists));
  s.bind(4, t.album);
  s.bind(5, t.genre);
  s.bind_optional(6, t.year, t.year > 0);
  s.bind_optional(7, t.popularity, t.popularity >= 0);
  s.bind(8, t.explicit_lyrics ? 1 : 0);
  s.bind_optional(9, t.duration_ms, t.duration_ms > 0);
  s.bind_feature(10, t.valence);
  s.bind_feature(11, t.energy);
  s.bind_feature(12, t.danceability);
  s.bind_feature(13, t.tempo);
  s.bind_feature(14, t.acousticness);
  s.step("writing");
}

long Catalog::count() const {
  Statement s(*this, "SELECT COUNT(*) FROM tracks");
  s.step("reading");
  return static_cast<long>(s.integer(0, 0));
}

bool Catalog::contains(std::string_view id) const {
  Statement s(*this, "SELECT 1 FROM tracks WHERE id = ?1");
  s.bind(1, std::string(id));
  return s.step("reading");
}

std::vector<Track> Catalog::all_tracks() const {
  Statement s(*this, (std::string("SELECT ") + kColumns + " FROM tracks ORDER BY id").c_str());
  std::vector<Track> out;
  while (s.step("reading")) out.push_back(s.track());
  return out;
}

std::vector<Track> Catalog::search(std::string_view text, int limit) const {
  // LIKE wildcards typed by the user are matched literally.
  std::string pattern = "%";
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') pattern += '\\';
    pattern += c;
  }
  pattern += "%";
  Statement s(*this, (std::string("SELECT ") + kColumns +
                      " FROM tracks WHERE name LIKE ?1 ESCAPE '\\' OR artists LIKE ?1 ESCAPE '\\' "
                      "OR album LIKE ?1 ESCAPE '\\' "
                      "ORDER BY coalesce(popularity, -1) DESC, name LIMIT ?2")
                         .c_str());
  s.bind(1, pattern);
  s.bind(2, static_cast<long long>(limit));
  std::vector<Track> out;
  while (s.step("reading")) out.push_back(s.track());
  return out;
}

CatalogStats Catalog::stats() const {
  CatalogStats st;
  {
    Statement s(*this,
                "SELECT COUNT(*), COUNT(NULLIF(genre, '')), COUNT(year), MIN(year), MAX(year), "
                "SUM(explicit), AVG(valence), AVG(energy) FROM tracks");
    s.step("reading");
    st.tracks = static_cast<long>(s.integer(0, 0));
    st.with_genre = static_cast<long>(s.integer(1, 0));
    st.with_year = static_cast<long>(s.integer(2, 0));
    st.first_year = static_cast<int>(s.integer(3, 0));
    st.last_year = static_cast<int>(s.integer(4, 0));
    st.explicit_tracks = static_cast<long>(s.integer(5, 0));
    st.mean_valence = st.tracks ? s.real(6) : 0.0;
    st.mean_energy = st.tracks ? s.real(7) : 0.0;
  }
  // Artists and genres are ';'-joined lists, so they are counted here rather than in SQL.
  Statement s(*this, "SELECT artists, genre FROM tracks");
  std::set<std::string> artists;
  std::map<std::string, long> genres;
  while (s.step("reading")) {
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

Catalog::Transaction::Transaction(Catalog& catalog) : catalog_(catalog) {
  // IMMEDIATE takes the write lock now, so a concurrent import fails at the start (busy) rather
  // than after it has done its work.
  catalog_.exec("BEGIN IMMEDIATE");
}

Catalog::Transaction::~Transaction() {
  if (!done_) sqlite3_exec(catalog_.db_, "ROLLBACK", nullptr, nullptr, nullptr);
}

void Catalog::Transaction::commit() {
  catalog_.exec("COMMIT");
  done_ = true;
}

}  // namespace emomusic::music
