#pragma once
/// @file
/// The user's Spotify tokens after `emomusic login`, kept in a file only the user can read.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace emomusic::spotify {

struct UserTokens {
  std::string client_id;  ///< the app that issued them; refreshing needs it
  std::string refresh_token;
  std::string access_token;
  std::int64_t expires_at = 0;  ///< Unix seconds
  std::string scope;
};

/// Writes `tokens` atomically with mode 0600 (set before the file gets its name).
void save_user_tokens(const std::filesystem::path& path, const UserTokens& tokens);
/// The stored tokens, or nullopt when there is no file. Throws InputError naming the file when it
/// is unreadable, malformed, or readable by others.
std::optional<UserTokens> load_user_tokens(const std::filesystem::path& path);
/// Deletes the file; returns whether there was one.
bool remove_user_tokens(const std::filesystem::path& path);

}  // namespace emomusic::spotify
