#pragma once
/// @file
/// One HTTP exchange over libcurl, with connect and total timeouts and no retries (those are the
/// RequestSender's). Verbose output stays off: it would print the Authorization header.

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace emomusic::spotify {

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  /// Full header lines without CRLF, e.g. "Content-Type: application/json".
  std::vector<std::string> headers;
  std::string body;
};

struct HttpResponse {
  int status = 0;
  std::string body;
  /// Retry-After in seconds, when the server sent one as a number.
  std::optional<long> retry_after_s;
};

/// The largest answer body HttpClient keeps. Spotify's largest pages are a few hundred KB; a
/// misbehaving server must not make the client buffer hundreds of MB.
inline constexpr std::size_t kMaxResponseBytes = 16 << 20;

struct HttpTimeouts {
  std::chrono::milliseconds connect{5000};
  std::chrono::milliseconds total{20000};
};

/// A reusable libcurl handle (keeps connections alive between calls). Not thread-safe.
class HttpClient {
 public:
  explicit HttpClient(HttpTimeouts timeouts = {});
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  /// Sends `request`; any HTTP status is a response. Throws TransportError when no response came
  /// (its message names the method and the redacted URL, never headers or body).
  HttpResponse send(const HttpRequest& request);

 private:
  struct Handle;
  std::unique_ptr<Handle> handle_;
  HttpTimeouts timeouts_;
};

}  // namespace emomusic::spotify
