#pragma once
/// @file
/// A SQLite cache of Spotify answers, so that a repeated run makes no request. Keys are the method
/// and the URL, never a token. Also remembers endpoints that this app has lost (404/403).

#include <sqlite3.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>

namespace emomusic::spotify {

class ResponseCache {
 public:
  /// Opens (creating if needed) the database at `path`. Throws InputError naming the file when it
  /// cannot be opened or is not a cache database.
  ResponseCache(const std::filesystem::path& path, std::chrono::seconds ttl);
  ~ResponseCache();
  ResponseCache(const ResponseCache&) = delete;
  ResponseCache& operator=(const ResponseCache&) = delete;

  /// The stored body for `key` if it has not expired.
  std::optional<std::string> get(const std::string& key);
  /// Stores `body` for `key` until now + ttl.
  void put(const std::string& key, const std::string& body);

  /// Marks an endpoint (a URL without its query) as unavailable to this app, for `ttl`.
  void mark_unavailable(const std::string& endpoint);
  bool is_unavailable(const std::string& endpoint);

  /// Number of live entries (for tests and `--verbose` statistics).
  long size();

 private:
  void exec(const char* sql);
  std::filesystem::path path_;
  std::chrono::seconds ttl_;
  sqlite3* db_ = nullptr;
};

/// The cache key of a request: "GET https://api.spotify.com/v1/search?q=…".
std::string cache_key(const std::string& method, const std::string& url);

}  // namespace emomusic::spotify
