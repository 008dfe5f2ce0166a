#include "emomusic/music/spotify/token_store.hpp"

#include <nlohmann/json.hpp>
#include <system_error>

#include "emomusic/core/atomic_file.hpp"
#include "emomusic/core/error.hpp"
#include "emomusic/core/text.hpp"
#include "private_json_file.hpp"

namespace emomusic::spotify {
namespace fs = std::filesystem;

namespace {

std::string field(const nlohmann::json& doc, const char* key, const fs::path& path) {
  const auto it = doc.find(key);
  if (it == doc.end() || !it->is_string())
    throw InputError(path.string() + ": field \"" + key +
                     "\" missing or not a string; run `emomusic login` again");
  return it->get<std::string>();
}

}  // namespace

void save_user_tokens(const fs::path& path, const UserTokens& tokens) {
  const std::string content = dump_json({{"client_id", tokens.client_id},
                                         {"refresh_token", tokens.refresh_token},
                                         {"access_token", tokens.access_token},
                                         {"expires_at", tokens.expires_at},
                                         {"scope", tokens.scope}},
                                        2);
  write_private_file_atomically(path, content);
}

std::optional<UserTokens> load_user_tokens(const fs::path& path) {
  const auto loaded = detail::read_private_json(
      path, {"your Spotify tokens", " (or `emomusic logout` and log in again)",
             "; run `emomusic logout` and `emomusic login`"});
  if (!loaded) return std::nullopt;
  const nlohmann::json& doc = *loaded;
  UserTokens tokens;
  tokens.client_id = field(doc, "client_id", path);
  tokens.refresh_token = field(doc, "refresh_token", path);
  tokens.access_token = field(doc, "access_token", path);
  tokens.scope = field(doc, "scope", path);
  const auto it = doc.find("expires_at");
  if (it == doc.end() || !it->is_number_integer())
    throw InputError(path.string() + ": field \"expires_at\" missing or not an integer");
  tokens.expires_at = it->get<std::int64_t>();
  return tokens;
}

bool remove_user_tokens(const fs::path& path) {
  std::error_code ec;
  const bool removed = fs::remove(path, ec);
  if (ec) throw InputError("cannot delete " + path.string() + ": " + ec.message());
  return removed;
}

}  // namespace emomusic::spotify
