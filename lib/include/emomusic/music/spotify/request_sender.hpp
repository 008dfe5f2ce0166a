#pragma once
/// @file
/// Sends a request with Spotify's fault rules: 429 waits Retry-After (bounded) unless the quota is
/// spent, 5xx and timeouts back off and retry a bounded number of times. Also turns error answers
/// and bodies into clear ServiceErrors.

#include <nlohmann/json.hpp>
#include <string>

#include "emomusic/music/spotify/config.hpp"
#include "emomusic/music/spotify/http_client.hpp"

namespace emomusic::spotify {

class RequestSender {
 public:
  RequestSender(HttpClient& http, RetryPolicy policy) : http_(http), policy_(policy) {}

  /// Returns the first answer that is not retried; that may be an error status, which the caller
  /// interprets (e.g. 401 to renew a token, 404 for a removed endpoint). Throws ApiError for a
  /// spent quota, a Retry-After above the policy's bound, or a 5xx that outlasted the retries, and
  /// TransportError when no answer came within the retries. A POST is resent only when it surely
  /// was not processed (429, 503, no connection), so a playlist is never created twice.
  HttpResponse send(const HttpRequest& request);

 private:
  HttpClient& http_;
  RetryPolicy policy_;
};

/// Throws the ApiError that `response` (an error status) stands for, with Spotify's message and
/// advice on what to do; names the request by method and redacted URL.
[[noreturn]] void throw_api_error(const HttpRequest& request, const HttpResponse& response);

/// The body as a JSON object, or a ServiceError naming the request when it is malformed (the
/// message gives the offset, never the body, which may hold a token).
nlohmann::json parse_json_body(const HttpRequest& request, const std::string& body);

}  // namespace emomusic::spotify
