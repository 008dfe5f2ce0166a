#include "emomusic/music/spotify/pkce.hpp"

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include "emomusic/core/error.hpp"
#include "emomusic/music/spotify/url.hpp"

namespace emomusic::spotify {

namespace {

std::string base64url(const unsigned char* data, std::size_t size) {
  std::string out(4 * ((size + 2) / 3) + 1, '\0');
  const int n =
      EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, static_cast<int>(size));
  out.resize(static_cast<std::size_t>(n));
  while (!out.empty() && out.back() == '=') out.pop_back();
  for (char& c : out) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  return out;
}

std::string random_base64url(std::size_t bytes) {
  std::string buffer(bytes, '\0');
  auto* data = reinterpret_cast<unsigned char*>(buffer.data());
  if (RAND_bytes(data, static_cast<int>(bytes)) != 1)
    throw ServiceError("the system's random number generator failed; cannot start a login");
  return base64url(data, bytes);
}

}  // namespace

std::string code_challenge(const std::string& verifier) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(verifier.data()), verifier.size(), digest);
  return base64url(digest, sizeof digest);
}

// 48 random bytes give a 64-character verifier, inside RFC 7636's 43–128.
Pkce make_pkce() {
  Pkce pkce;
  pkce.verifier = random_base64url(48);
  pkce.challenge = code_challenge(pkce.verifier);
  return pkce;
}

std::string random_state() {
  return random_base64url(24);
}

std::string authorize_url(const std::string& accounts_url, const std::string& client_id,
                          const std::string& redirect_uri, const std::vector<std::string>& scopes,
                          const std::string& state, const std::string& challenge) {
  std::string scope;
  for (const auto& s : scopes) scope += (scope.empty() ? "" : " ") + s;
  return accounts_url + "/authorize?" +
         form_encode({{"client_id", client_id},
                      {"response_type", "code"},
                      {"redirect_uri", redirect_uri},
                      {"scope", scope},
                      {"state", state},
                      {"code_challenge_method", "S256"},
                      {"code_challenge", challenge}});
}

}  // namespace emomusic::spotify
