#include "spotify_options.hpp"

#include <chrono>

#include "command.hpp"
#include "emomusic/core/error.hpp"
#include "option_range.hpp"

namespace emomusic::app {

void add_spotify_options(CLI::App& cmd, SpotifyOptions& options) {
  cmd.add_option("--timeout", options.timeout_s, "Seconds one Spotify request may take")
      ->check(in_range(spotify::kRequestTimeoutRange))
      ->capture_default_str();
  cmd.add_option("--connect-timeout", options.connect_timeout_s,
                 "Seconds to wait for a connection to Spotify")
      ->check(in_range(spotify::kRequestTimeoutRange))
      ->capture_default_str();
  cmd.add_option("--max-wait", options.max_wait_s,
                 "Longest rate-limit pause (Retry-After, seconds) to sit out before giving up")
      ->check(in_range(spotify::kMaxRetryAfterRange))
      ->capture_default_str();
  cmd.add_option("--retries", options.retries, "Resends after a server error or a timeout")
      ->check(in_range(spotify::kRetriesRange))
      ->capture_default_str();
  cmd.add_flag("--no-cache", options.no_cache, "Neither read nor write the Spotify response cache");
  cmd.add_option_function<std::string>(
      "--market",
      [&options](const std::string& market) {
        options.market =
            with_hint<UsageError>("--market", [&] { return spotify::normalize_market(market); });
      },
      "Your country (two letters, e.g. US): Spotify searches find tracks playable there "
      "(default: $EMOMUSIC_SPOTIFY_MARKET)");
}

spotify::SpotifyConfig spotify_config(const SpotifyOptions& options) {
  using std::chrono::milliseconds;
  spotify::SpotifyConfig config = spotify::SpotifyConfig::from_environment();
  config.timeouts.total = milliseconds(static_cast<long>(options.timeout_s * 1000));
  config.timeouts.connect = milliseconds(static_cast<long>(options.connect_timeout_s * 1000));
  config.retry.max_retry_after = std::chrono::seconds(options.max_wait_s);
  config.retry.max_attempts = options.retries + 1;
  if (options.no_cache) config.cache_path.clear();
  if (!options.market.empty()) config.market = options.market;
  return config;
}

}  // namespace emomusic::app
