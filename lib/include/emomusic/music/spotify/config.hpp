#pragma once
/// @file
/// Where the Spotify client connects, how patient it is, where it keeps its cache and tokens, and
/// the app's credentials.

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "emomusic/core/value_range.hpp"
#include "emomusic/music/spotify/http_client.hpp"

namespace emomusic::spotify {

/// How faults are retried. 429 waits Retry-After (at most `max_retry_after`); 5xx and timeouts
/// back off exponentially from `initial_backoff`, doubling up to `max_backoff`.
struct RetryPolicy {
  int max_attempts = 4;  ///< sends per request, the first included
  std::chrono::milliseconds initial_backoff{500};
  std::chrono::milliseconds max_backoff{8000};
  std::chrono::seconds max_retry_after{60};
};

/// The bounds a front end offers for the timeouts (seconds) and the retry policy.
inline constexpr ValueRange<double> kRequestTimeoutRange{0.1, 600.0};
inline constexpr ValueRange<int> kMaxRetryAfterRange{0, 3600};
inline constexpr ValueRange<int> kRetriesRange{0, 10};  ///< resends after the first attempt

struct SpotifyConfig {
  std::string api_url = "https://api.spotify.com/v1";
  std::string accounts_url = "https://accounts.spotify.com";
  HttpTimeouts timeouts;
  RetryPolicy retry;
  /// SQLite response cache; empty disables it.
  std::filesystem::path cache_path;
  std::chrono::seconds cache_ttl{std::chrono::hours(24)};
  /// The user's tokens after `emomusic login` (mode 0600).
  std::filesystem::path token_path;
  /// The listener's country, ISO 3166-1 alpha-2 ("US"), sent with searches and recommendations
  /// so that they find tracks playable there; empty lets Spotify choose.
  std::string market;

  /// The defaults, with EMOMUSIC_SPOTIFY_API_URL / EMOMUSIC_SPOTIFY_ACCOUNTS_URL /
  /// EMOMUSIC_SPOTIFY_MARKET applied and the cache and token files in the user's XDG folders
  /// (spotify_cache.db, spotify_token.json). Throws UsageError naming the variable for a market
  /// that normalize_market() refuses.
  static SpotifyConfig from_environment();
};

/// A market as Spotify takes it: two ASCII letters, upper-cased ("de" → "DE"), surrounding spaces
/// ignored. Throws UsageError quoting `text` otherwise. Whether Spotify sells in that country is
/// Spotify's to say.
std::string normalize_market(std::string_view text);

/// The app's credentials from the Spotify developer dashboard. Never logged or printed.
struct Credentials {
  std::string client_id;
  std::string client_secret;  ///< empty is fine for the PKCE login, which needs only the id
};

/// SPOTIFY_CLIENT_ID / SPOTIFY_CLIENT_SECRET, else user_config_dir()/spotify.json
/// ({"client_id": …, "client_secret": …}). Refuses a config file that others may read
/// (InputError naming the file and the chmod that fixes it). Throws UsageError saying how to set
/// them when neither is there; with `need_secret` a missing secret is an error too.
Credentials load_credentials(bool need_secret);
/// The same, or nothing when none are set: for a front end to whom Spotify is optional.
std::optional<Credentials> find_credentials(bool need_secret);

/// The path load_credentials() reads: user_config_dir()/spotify.json.
std::filesystem::path credentials_file();

}  // namespace emomusic::spotify
