#pragma once
/// @file
/// Errors of the Spotify client. Both are ServiceErrors (exit code 6); the extra fields let callers
/// tell a removed endpoint (404/403) or a spent quota apart from a passing fault.

#include <string>

#include "emomusic/core/error.hpp"

namespace emomusic::spotify {

/// Spotify answered with an HTTP error that was not retried (or still failed after retries).
class ApiError : public ServiceError {
 public:
  ApiError(int status, std::string reason, const std::string& message)
      : ServiceError(message), status_(status), reason_(std::move(reason)) {}
  int status() const noexcept { return status_; }
  /// Spotify's machine-readable reason ("QUOTA_EXCEEDED", "invalid_client", …), or empty.
  const std::string& reason() const noexcept { return reason_; }

 private:
  int status_;
  std::string reason_;
};

/// No HTTP answer at all: connection refused, DNS, TLS, or a timeout.
class TransportError : public ServiceError {
 public:
  TransportError(bool timed_out, bool reached_server, const std::string& message)
      : ServiceError(message), timed_out_(timed_out), reached_server_(reached_server) {}
  bool timed_out() const noexcept { return timed_out_; }
  /// False when the request surely never reached the server (so even a POST may be resent).
  bool reached_server() const noexcept { return reached_server_; }

 private:
  bool timed_out_;
  bool reached_server_;
};

}  // namespace emomusic::spotify
