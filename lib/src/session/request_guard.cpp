#include "request_guard.hpp"

#include <arpa/inet.h>

#include "emomusic/core/text.hpp"
#include "web_request.hpp"

namespace emomusic::session {

RequestGuard::RequestGuard(std::string host, std::string token)
    : host_(std::move(host)), token_(std::move(token)) {}

void RequestGuard::set_port(int port) {
  port_ = port;
  const std::string suffix = ":" + std::to_string(port);
  hosts_ = {host_ + suffix, "127.0.0.1" + suffix, "localhost" + suffix};
}

bool RequestGuard::every_address() const {
  return host_ == "0.0.0.0" || host_ == "::";
}

// One of `hosts_`, or, when bound to every address, any IP literal with this port (machines on
// the network use the server's LAN address; DNS rebinding needs a name, never an IP literal).
bool RequestGuard::is_own_host(const std::string& host) const {
  if (hosts_.count(host) != 0) return true;
  if (!every_address()) return false;
  const auto colon = host.rfind(':');
  if (colon == std::string::npos || host.substr(colon + 1) != std::to_string(port_)) {
    return false;
  }
  const std::string address = host.substr(0, colon);
  unsigned char parsed[sizeof(in6_addr)];
  if (address.size() > 2 && address.front() == '[' && address.back() == ']') {
    return ::inet_pton(AF_INET6, address.substr(1, address.size() - 2).c_str(), parsed) == 1;
  }
  return ::inet_pton(AF_INET, address.c_str(), parsed) == 1;
}

std::optional<std::pair<int, std::string>> RequestGuard::refusal(
    const httplib::Request& req) const {
  try {
    check_single_headers(req);
  } catch (const BadRequest& e) {
    return std::pair{400, std::string(e.what())};
  }
  const std::string host = req.get_header_value("Host");
  if (!is_own_host(host)) {
    return std::pair{403, "this server answers only to Host " + *hosts_.begin() + ", not \"" +
                              excerpt(host) + "\""};
  }
  // The page's own requests carry its origin, which is the Host it was loaded from; another
  // page (even one on another IP address with this port) has another origin.
  if (req.has_header("Origin")) {
    const std::string origin = req.get_header_value("Origin");
    const bool own = origin == "http://" + host ||
                     (origin.rfind("http://", 0) == 0 && hosts_.count(origin.substr(7)) != 0);
    if (!own) {
      return std::pair{403, "requests from origin \"" + excerpt(origin) + "\" are refused"};
    }
  }
  if (req.method != "GET" && req.method != "HEAD" &&
      req.get_header_value("X-Emomusic-Token") != token_) {
    return std::pair{403,
                     std::string("this request needs the header X-Emomusic-Token of the page")};
  }
  return std::nullopt;
}

}  // namespace emomusic::session
