#include "emomusic/music/spotify/tokens.hpp"

#include <openssl/evp.h>
#include <spdlog/spdlog.h>

#include "emomusic/core/error.hpp"
#include "emomusic/music/spotify/errors.hpp"
#include "json_fields.hpp"

namespace emomusic::spotify {

namespace {

std::int64_t now_s() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

bool fresh(const std::string& token, std::int64_t expires_at) {
  return !token.empty() && now_s() + kTokenExpiryMargin.count() < expires_at;
}

std::string base64(const std::string& bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()),
                                static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

std::string advice_for(const std::string& reason) {
  if (reason == "invalid_client")
    return "; check SPOTIFY_CLIENT_ID and SPOTIFY_CLIENT_SECRET (or spotify.json) against the "
           "app in the Spotify developer dashboard";
  if (reason == "invalid_grant")
    return "; the login is no longer valid, run `emomusic login` again";
  return {};
}

}  // namespace

TokenGrant request_token(const SpotifyConfig& config, RequestSender& sender, const Params& form,
                         const std::string& basic_auth) {
  HttpRequest request;
  request.method = "POST";
  request.url = config.accounts_url + "/api/token";
  request.headers.push_back("Content-Type: application/x-www-form-urlencoded");
  if (!basic_auth.empty()) request.headers.push_back("Authorization: Basic " + base64(basic_auth));
  request.body = form_encode(form);

  const HttpResponse response = sender.send(request);
  if (response.status != 200) {
    try {
      throw_api_error(request, response);
    } catch (const ApiError& e) {
      throw ApiError(
          e.status(), e.reason(),
          std::string("Spotify refused the token request: ") + e.what() + advice_for(e.reason()));
    }
  }
  const auto doc = parse_json_body(request, response.body);
  const std::string where = "answer to POST " + request.url;
  TokenGrant grant;
  grant.access_token = detail::required_string(doc, "access_token", where);
  grant.expires_at = now_s() + detail::required_integer(doc, "expires_in", where);
  grant.refresh_token = detail::optional_string(doc, "refresh_token", where);
  grant.scope = detail::optional_string(doc, "scope", where);
  return grant;
}

AppTokenSource::AppTokenSource(const SpotifyConfig& config, RequestSender& sender,
                               Credentials credentials)
    : config_(config), sender_(sender), credentials_(std::move(credentials)) {}

std::string AppTokenSource::access_token() {
  if (!fresh(token_.access_token, token_.expires_at)) {
    spdlog::debug("requesting a Spotify app token (client credentials)");
    token_ = request_token(config_, sender_, {{"grant_type", "client_credentials"}},
                           credentials_.client_id + ":" + credentials_.client_secret);
  }
  return token_.access_token;
}

UserTokenSource::UserTokenSource(const SpotifyConfig& config, RequestSender& sender)
    : config_(config), sender_(sender) {
  auto stored = load_user_tokens(config.token_path);
  if (!stored)
    throw UsageError("not logged in to Spotify (no " + config.token_path.string() +
                     "); run `emomusic login` first");
  tokens_ = std::move(*stored);
}

std::string UserTokenSource::access_token() {
  if (!fresh(tokens_.access_token, tokens_.expires_at)) {
    spdlog::debug("refreshing the Spotify user token");
    const TokenGrant grant = request_token(config_, sender_,
                                           {{"grant_type", "refresh_token"},
                                            {"refresh_token", tokens_.refresh_token},
                                            {"client_id", tokens_.client_id}});
    tokens_.access_token = grant.access_token;
    tokens_.expires_at = grant.expires_at;
    // Spotify may rotate the refresh token; when it sends none, the old one stays valid.
    if (!grant.refresh_token.empty()) tokens_.refresh_token = grant.refresh_token;
    if (!grant.scope.empty()) tokens_.scope = grant.scope;
    save_user_tokens(config_.token_path, tokens_);
  }
  return tokens_.access_token;
}

}  // namespace emomusic::spotify
