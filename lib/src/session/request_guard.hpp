#pragma once
// Who may talk to the web server: the Host, Origin and token check every request passes before
// its route (web_server.hpp says what it guards against). Internal to the server.

#include <httplib.h>

#include <optional>
#include <set>
#include <string>

namespace emomusic::session {

/// The cookie that a right access secret earns (web_server.hpp).
inline constexpr const char* kSessionCookie = "emomusic_session";

class RequestGuard {
 public:
  /// For a server bound to `host` (as given to bind) whose writes need `token`. With a
  /// `session_cookie` the server is served over TLS (its origins are https://), and every /api/
  /// route but POST /api/session needs the cookie kSessionCookie with that value.
  RequestGuard(std::string host, std::string token, std::optional<std::string> session_cookie);

  /// Once bound: the port the Host header must name.
  void set_port(int port);

  /// Nothing when `req` may go on to its route; else the status (400, 401, 403) and the message.
  std::optional<std::pair<int, std::string>> refusal(const httplib::Request& req) const;

  /// Bound to 0.0.0.0 or ::.
  bool every_address() const;

 private:
  bool is_own_host(const std::string& host) const;
  bool has_session_cookie(const httplib::Request& req) const;

  std::string host_;
  std::string token_;
  std::optional<std::string> session_cookie_;
  std::string scheme_;  ///< "http://" or "https://"
  int port_ = 0;
  std::set<std::string> hosts_;  ///< the Host values this server answers to
};

}  // namespace emomusic::session
