#pragma once
/// @file
/// URL pieces the Spotify client builds and reads: percent-encoding, form bodies, query strings.

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace emomusic::spotify {

using Params = std::vector<std::pair<std::string, std::string>>;

/// Percent-encodes everything but RFC 3986 unreserved characters (so a space becomes %20).
std::string url_encode(std::string_view text);
/// Decodes %XX escapes and, as in forms and query strings, '+' as a space.
std::string url_decode(std::string_view text);
/// "a=1&b=x%20y": the body of an application/x-www-form-urlencoded request, or a query string.
std::string form_encode(const Params& params);
/// Parses "a=1&b=x%20y" (no leading '?'); a repeated key keeps its first value.
std::map<std::string, std::string> parse_query(std::string_view query);
/// `url` with the values of secret-bearing query parameters (code, state, tokens, verifier, secret)
/// replaced by "REDACTED", for error messages and logs.
std::string redact_url(const std::string& url);

}  // namespace emomusic::spotify
