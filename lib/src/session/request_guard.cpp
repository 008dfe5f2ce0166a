#include "request_guard.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <string_view>

#include "emomusic/core/text.hpp"
#include "emomusic/session/access_secret.hpp"
#include "emomusic/session/tls_certificate.hpp"
#include "web_request.hpp"

namespace emomusic::session {

RequestGuard::RequestGuard(std::string host, std::string token,
                           std::optional<std::string> session_cookie)
    : host_(std::move(host)),
      token_(std::move(token)),
      session_cookie_(std::move(session_cookie)),
      scheme_(session_cookie_ ? "https://" : "http://") {}

void RequestGuard::set_port(int port) {
  port_ = port;
  const std::string suffix = ":" + std::to_string(port);
  // A Host header brackets an IPv6 address ([::1]:8080).
  const std::string own = host_.find(':') != std::string::npos ? "[" + host_ + "]" : host_;
  hosts_ = {own + suffix, "127.0.0.1" + suffix, "localhost" + suffix};
}

bool RequestGuard::every_address() const {
  return is_every_address(host_);
}

// Any Cookie header's kSessionCookie, compared in constant time.
bool RequestGuard::has_session_cookie(const httplib::Request& req) const {
  const std::string prefix = std::string(kSessionCookie) + "=";
  const std::size_t count = req.get_header_value_count("Cookie");
  for (std::size_t i = 0; i < count; ++i) {
    const std::string header = req.get_header_value("Cookie", i);
    std::size_t start = 0;
    while (start < header.size()) {
      const std::size_t end = std::min(header.find(';', start), header.size());
      const std::string_view cookie =
          trim_whitespace(std::string_view(header).substr(start, end - start));
      if (cookie.substr(0, prefix.size()) == prefix &&
          same_secret(cookie.substr(prefix.size()), *session_cookie_)) {
        return true;
      }
      start = end + 1;
    }
  }
  return false;
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
    const bool own = origin == scheme_ + host || (origin.rfind(scheme_, 0) == 0 &&
                                                  hosts_.count(origin.substr(scheme_.size())) != 0);
    if (!own) {
      return std::pair{403, "requests from origin \"" + excerpt(origin) + "\" are refused"};
    }
  }
  if (req.method != "GET" && req.method != "HEAD" &&
      req.get_header_value("X-Emomusic-Token") != token_) {
    return std::pair{403,
                     std::string("this request needs the header X-Emomusic-Token of the page")};
  }
  // Beyond loopback, nothing of the API without the cookie but the exchange that earns it.
  if (session_cookie_ && req.path.rfind("/api/", 0) == 0 &&
      !(req.path == "/api/session" && req.method == "POST") && !has_session_cookie(req)) {
    return std::pair{401, std::string("this server needs its access link: open the address "
                                      "with #k= that the server printed")};
  }
  return std::nullopt;
}

}  // namespace emomusic::session
