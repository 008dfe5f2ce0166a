#include "emomusic/music/spotify/config.hpp"

#include <algorithm>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "emomusic/core/error.hpp"
#include "emomusic/core/paths.hpp"
#include "emomusic/core/text.hpp"
#include "private_json_file.hpp"

namespace emomusic::spotify {
namespace fs = std::filesystem;

namespace {

std::string env_or(const char* name, std::string fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::string(v) : fallback;
}

std::string without_trailing_slash(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

std::string optional_string(const nlohmann::json& doc, const char* key, const fs::path& file) {
  if (!doc.contains(key)) return {};
  if (!doc[key].is_string())
    throw InputError(file.string() + ": field \"" + key + "\" must be a string");
  return doc[key].get<std::string>();
}

Credentials read_credentials_file(const fs::path& file) {
  const auto doc = detail::read_private_json(file, {"the Spotify client secret", "", ""});
  if (!doc) return {};
  return {optional_string(*doc, "client_id", file), optional_string(*doc, "client_secret", file)};
}

}  // namespace

SpotifyConfig SpotifyConfig::from_environment() {
  SpotifyConfig config;
  config.api_url = without_trailing_slash(env_or("EMOMUSIC_SPOTIFY_API_URL", config.api_url));
  config.accounts_url =
      without_trailing_slash(env_or("EMOMUSIC_SPOTIFY_ACCOUNTS_URL", config.accounts_url));
  if (const std::string market = env_or("EMOMUSIC_SPOTIFY_MARKET", ""); !market.empty()) {
    try {
      config.market = normalize_market(market);
    } catch (const UsageError& e) {
      throw UsageError(std::string("EMOMUSIC_SPOTIFY_MARKET: ") + e.what());
    }
  }
  config.cache_path = user_cache_dir() / "spotify_cache.db";
  config.token_path = user_data_dir() / "spotify_token.json";
  return config;
}

std::string normalize_market(std::string_view text) {
  const std::string_view code = trim_whitespace(text);
  const bool letters = code.size() == 2 && std::all_of(code.begin(), code.end(), [](char c) {
                         return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
                       });
  if (!letters) {
    throw UsageError("market '" + excerpt(text) +
                     "' is not a two-letter country code (ISO 3166-1, e.g. US, DE, BR)");
  }
  std::string upper(code);
  for (char& c : upper) c = static_cast<char>(c & ~0x20);  // ASCII letters only, checked above
  return upper;
}

fs::path credentials_file() {
  return user_config_dir() / "spotify.json";
}

namespace {

bool complete(const Credentials& creds, bool need_secret) {
  return !creds.client_id.empty() && (!need_secret || !creds.client_secret.empty());
}

// The environment first; the file only for what it lacks.
Credentials read_credentials(bool need_secret) {
  Credentials creds{env_or("SPOTIFY_CLIENT_ID", ""), env_or("SPOTIFY_CLIENT_SECRET", "")};
  if (!complete(creds, need_secret)) {
    const Credentials from_file = read_credentials_file(credentials_file());
    if (creds.client_id.empty()) creds.client_id = from_file.client_id;
    if (creds.client_secret.empty()) creds.client_secret = from_file.client_secret;
  }
  return creds;
}

}  // namespace

std::optional<Credentials> find_credentials(bool need_secret) {
  Credentials creds = read_credentials(need_secret);
  if (!complete(creds, need_secret)) return std::nullopt;
  return creds;
}

Credentials load_credentials(bool need_secret) {
  const Credentials creds = read_credentials(need_secret);
  if (!complete(creds, need_secret))
    throw UsageError(std::string("no Spotify app ") +
                     (creds.client_id.empty() ? "client ID" : "client secret") +
                     ": set SPOTIFY_CLIENT_ID and SPOTIFY_CLIENT_SECRET, or write them to " +
                     credentials_file().string() +
                     " as {\"client_id\": \"…\", \"client_secret\": \"…\"} with mode 600 "
                     "(see docs/spotify.md)");
  return creds;
}

}  // namespace emomusic::spotify
