#pragma once
/// @file
/// Access tokens for the Web API: the app's own (client credentials, enough for search) and the
/// user's (from `emomusic login`, needed for playlists). Both are reused until shortly before
/// they expire, then renewed.

#include <chrono>
#include <string>

#include "emomusic/music/spotify/config.hpp"
#include "emomusic/music/spotify/request_sender.hpp"
#include "emomusic/music/spotify/token_store.hpp"
#include "emomusic/music/spotify/url.hpp"

namespace emomusic::spotify {

/// A token renewed this long before Spotify says it expires, so it cannot lapse in flight.
inline constexpr std::chrono::seconds kTokenExpiryMargin{60};

/// Gives out a bearer token; invalidate() after a 401 forces the next call to renew it.
class TokenSource {
 public:
  virtual ~TokenSource() = default;
  virtual std::string access_token() = 0;
  virtual void invalidate() = 0;
};

/// What the accounts service answered to a token request.
struct TokenGrant {
  std::string access_token;
  std::string refresh_token;  ///< empty when none came back
  std::string scope;
  std::int64_t expires_at = 0;  ///< Unix seconds
};

/// POSTs `form` to <accounts_url>/api/token (with HTTP Basic `basic_auth` when not empty) and
/// reads the grant. A refusal (invalid_client, invalid_grant, …) is an ApiError whose message says
/// what to check; secrets never appear in it.
TokenGrant request_token(const SpotifyConfig& config, RequestSender& sender, const Params& form,
                         const std::string& basic_auth = {});

/// The app's token from the client-credentials flow (cannot reach /me or playlists).
class AppTokenSource : public TokenSource {
 public:
  AppTokenSource(const SpotifyConfig& config, RequestSender& sender, Credentials credentials);
  std::string access_token() override;
  void invalidate() override { token_ = {}; }

 private:
  const SpotifyConfig& config_;
  RequestSender& sender_;
  Credentials credentials_;
  TokenGrant token_;
};

/// The user's token, refreshed with the stored refresh token and saved back (a new refresh token
/// replaces the old one only when Spotify sends one). Throws UsageError when not logged in.
class UserTokenSource : public TokenSource {
 public:
  UserTokenSource(const SpotifyConfig& config, RequestSender& sender);
  std::string access_token() override;
  void invalidate() override { tokens_.access_token.clear(); }

 private:
  const SpotifyConfig& config_;
  RequestSender& sender_;
  UserTokens tokens_;
};

}  // namespace emomusic::spotify
