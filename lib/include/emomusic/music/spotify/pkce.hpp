#pragma once
/// @file
/// Authorization Code with PKCE (RFC 7636): the verifier, its S256 challenge, the state, and the
/// URL the user's browser opens.

#include <string>
#include <vector>

namespace emomusic::spotify {

struct Pkce {
  std::string verifier;   ///< 64 characters of [A-Za-z0-9-_] from a CSPRNG
  std::string challenge;  ///< base64url(SHA-256(verifier)) without padding
};

Pkce make_pkce();
/// base64url(SHA-256(verifier)) without padding.
std::string code_challenge(const std::string& verifier);
/// An unguessable value for the `state` parameter (CSRF protection).
std::string random_state();

/// <accounts_url>/authorize?client_id&response_type=code&redirect_uri&scope&state
/// &code_challenge_method=S256&code_challenge
std::string authorize_url(const std::string& accounts_url, const std::string& client_id,
                          const std::string& redirect_uri, const std::vector<std::string>& scopes,
                          const std::string& state, const std::string& challenge);

}  // namespace emomusic::spotify
