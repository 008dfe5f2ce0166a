#include "emomusic/music/spotify/callback_listener.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "emomusic/core/error.hpp"
#include "emomusic/music/spotify/url.hpp"

namespace emomusic::spotify {

namespace {

constexpr std::size_t kMaxRequestBytes = 16 * 1024;

class Socket {
 public:
  explicit Socket(int fd) : fd_(fd) {}
  ~Socket() {
    if (fd_ >= 0) ::close(fd_);
  }
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

// Reads the request head; a browser sends it in one go, and a client that stalls is dropped by the
// receive timeout so it cannot hold the login hostage.
std::string read_request_head(int fd) {
  timeval tv{};
  tv.tv_sec = 5;
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  std::string head;
  char buffer[2048];
  while (head.find("\r\n\r\n") == std::string::npos && head.size() < kMaxRequestBytes) {
    const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    head.append(buffer, static_cast<std::size_t>(n));
  }
  return head;
}

void respond(int fd, int status, const std::string& reason, const std::string& html) {
  const std::string message = "HTTP/1.1 " + std::to_string(status) + " " + reason +
                              "\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: " +
                              std::to_string(html.size()) +
                              "\r\nConnection: close\r\nCache-Control: no-store\r\n\r\n" + html;
  std::size_t sent = 0;
  while (sent < message.size()) {
    const ssize_t n = ::send(fd, message.data() + sent, message.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // the browser went away; the parameters are all we need
    sent += static_cast<std::size_t>(n);
  }
}

std::string page(const std::string& text) {
  return "<!doctype html><html><head><title>emomusic</title></head><body><p>" + text +
         "</p></body></html>";
}

}  // namespace

CallbackListener::CallbackListener(int port) {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) throw ServiceError(std::string("cannot create a socket: ") + std::strerror(errno));
  const int yes = 1;
  ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  socklen_t len = sizeof addr;
  if (::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd_, 8) != 0 ||
      ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    const std::string why = std::strerror(errno);
    ::close(fd_);
    throw PortInUseError("cannot listen on 127.0.0.1:" + std::to_string(port) + " for the login (" +
                         why + "); choose another port");
  }
  port_ = ntohs(addr.sin_port);
}

CallbackListener::~CallbackListener() {
  ::close(fd_);
}

std::string CallbackListener::redirect_uri() const {
  return "http://127.0.0.1:" + std::to_string(port_) + "/callback";
}

std::map<std::string, std::string> CallbackListener::wait(std::chrono::seconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    pollfd pfd{fd_, POLLIN, 0};
    const int ready = ::poll(&pfd, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) break;
    Socket client(::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC));
    if (client.get() < 0) continue;

    const std::string head = read_request_head(client.get());
    // Request line: "GET /callback?code=…&state=… HTTP/1.1"
    const auto line_end = head.find("\r\n");
    const std::string line = head.substr(0, line_end);
    const auto sp1 = line.find(' ');
    const auto sp2 = line.find(' ', sp1 == std::string::npos ? 0 : sp1 + 1);
    if (sp1 == std::string::npos || sp2 == std::string::npos || line.substr(0, sp1) != "GET") {
      respond(client.get(), 400, "Bad Request", page("Bad request."));
      continue;
    }
    const std::string target = line.substr(sp1 + 1, sp2 - sp1 - 1);
    const auto question = target.find('?');
    if (target.substr(0, question) != "/callback") {
      respond(client.get(), 404, "Not Found", page("Not found."));
      continue;
    }
    auto params = parse_query(
        question == std::string::npos ? "" : std::string_view(target).substr(question + 1));
    respond(client.get(), 200, "OK",
            page(params.count("error") ? "Spotify did not grant access. You can close this tab."
                                       : "emomusic received Spotify's answer. You can close this "
                                         "tab and return to the terminal."));
    return params;
  }
  throw ServiceError("no answer from the browser within " + std::to_string(timeout.count()) +
                     " s; run `emomusic login` again and open the printed URL");
}

}  // namespace emomusic::spotify
