#pragma once
// Who may talk to the web server: the Host, Origin and token check every request passes before
// its route (web_server.hpp says what it guards against). Internal to the server.

#include <httplib.h>

#include <optional>
#include <set>
#include <string>

namespace emomusic::session {

class RequestGuard {
 public:
  /// For a server bound to `host` (as given to bind) whose writes need `token`.
  RequestGuard(std::string host, std::string token);

  /// Once bound: the port the Host header must name.
  void set_port(int port);

  /// Nothing when `req` may go on to its route; else the status (400, 403) and the message.
  std::optional<std::pair<int, std::string>> refusal(const httplib::Request& req) const;

  /// Bound to 0.0.0.0 or ::.
  bool every_address() const;

 private:
  bool is_own_host(const std::string& host) const;

  std::string host_;
  std::string token_;
  int port_ = 0;
  std::set<std::string> hosts_;  ///< the Host values this server answers to
};

}  // namespace emomusic::session
