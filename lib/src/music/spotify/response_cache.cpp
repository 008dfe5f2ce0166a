#include "emomusic/music/spotify/response_cache.hpp"

#include <system_error>

#include "emomusic/core/error.hpp"

namespace emomusic::spotify {
namespace fs = std::filesystem;

namespace {

std::int64_t now_s() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// One prepared statement, finalized on scope exit.
class Statement {
 public:
  Statement(sqlite3* db, const char* sql, const fs::path& path) : path_(path) {
    if (sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr) != SQLITE_OK)
      throw InputError(path.string() + ": " + sqlite3_errmsg(db));
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& bind(int index, const std::string& text) {
    sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Statement& bind(int index, std::int64_t value) {
    sqlite3_bind_int64(stmt_, index, value);
    return *this;
  }
  /// True while there is a row.
  bool step() {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    throw InputError(path_.string() + ": " + sqlite3_errmsg(sqlite3_db_handle(stmt_)));
  }
  std::string text(int column) const {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
    return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)))
             : std::string();
  }
  std::int64_t integer(int column) const { return sqlite3_column_int64(stmt_, column); }

 private:
  sqlite3_stmt* stmt_ = nullptr;
  const fs::path& path_;
};

}  // namespace

std::string cache_key(const std::string& method, const std::string& url) {
  return method + " " + url;
}

ResponseCache::ResponseCache(const fs::path& path, std::chrono::seconds ttl)
    : path_(path), ttl_(ttl) {
  std::error_code ec;
  if (path.has_parent_path()) fs::create_directories(path.parent_path(), ec);
  if (ec) throw InputError("cannot create " + path.parent_path().string() + ": " + ec.message());
  // SQLite's journal makes every write atomic, so a killed run never leaves a torn cache.
  if (sqlite3_open(path.c_str(), &db_) != SQLITE_OK) {
    const std::string why = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    throw InputError("cannot open the Spotify cache " + path.string() + ": " + why);
  }
  sqlite3_busy_timeout(db_, 5000);
  try {
    exec(
        "CREATE TABLE IF NOT EXISTS responses (key TEXT PRIMARY KEY, body TEXT NOT NULL,"
        " expires_at INTEGER NOT NULL);"
        "CREATE TABLE IF NOT EXISTS unavailable (endpoint TEXT PRIMARY KEY,"
        " expires_at INTEGER NOT NULL);");
    // Expired entries are never read again; dropping them keeps the file from growing forever.
    Statement purge(db_, "DELETE FROM responses WHERE expires_at <= ?", path_);
    purge.bind(1, now_s());
    purge.step();
  } catch (...) {
    sqlite3_close(db_);
    throw;
  }
}

ResponseCache::~ResponseCache() {
  sqlite3_close(db_);
}

void ResponseCache::exec(const char* sql) {
  char* message = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &message) != SQLITE_OK) {
    const std::string why = message ? message : "unknown error";
    sqlite3_free(message);
    throw InputError("Spotify cache " + path_.string() + ": " + why +
                     " (delete the file to start a fresh cache)");
  }
}

std::optional<std::string> ResponseCache::get(const std::string& key) {
  Statement st(db_, "SELECT body FROM responses WHERE key = ? AND expires_at > ?", path_);
  st.bind(1, key).bind(2, now_s());
  if (!st.step()) return std::nullopt;
  return st.text(0);
}

void ResponseCache::put(const std::string& key, const std::string& body) {
  Statement st(db_, "INSERT OR REPLACE INTO responses (key, body, expires_at) VALUES (?, ?, ?)",
               path_);
  st.bind(1, key).bind(2, body).bind(3, now_s() + ttl_.count());
  st.step();
}

void ResponseCache::mark_unavailable(const std::string& endpoint) {
  Statement st(db_, "INSERT OR REPLACE INTO unavailable (endpoint, expires_at) VALUES (?, ?)",
               path_);
  st.bind(1, endpoint).bind(2, now_s() + ttl_.count());
  st.step();
}

bool ResponseCache::is_unavailable(const std::string& endpoint) {
  Statement st(db_, "SELECT 1 FROM unavailable WHERE endpoint = ? AND expires_at > ?", path_);
  st.bind(1, endpoint).bind(2, now_s());
  return st.step();
}

long ResponseCache::size() {
  Statement st(db_, "SELECT COUNT(*) FROM responses WHERE expires_at > ?", path_);
  st.bind(1, now_s());
  st.step();
  return static_cast<long>(st.integer(0));
}

}  // namespace emomusic::spotify
