#include "bounded_http_server.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <climits>
#include <nlohmann/json.hpp>

#include "emomusic/core/text.hpp"
#include "emomusic/session/web_limits.hpp"

namespace emomusic::session {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// Body bytes a connection may read past its headers: the upload limit plus room for the framing
// of a chunked body (chunk sizes and line ends), which the routes do not count.
constexpr std::size_t kMaxBodyBytesRead = kMaxUploadBytes + kMaxHeadBytes;
// After the answer, what the client still sends is read and dropped for this long and this much
// at most, so that closing with unread data does not reset the connection before the client has
// read the answer (a 413 would then look like a network error).
constexpr int kLingerMs = 1000;
constexpr std::size_t kLingerBytes = 1u << 20;
// How often a worker waiting for a slow client looks whether the server is stopping.
constexpr int kStopCheckMs = 100;

bool wait_for(int sock, short events, int timeout_ms) {
  pollfd p{sock, events, 0};
  int r = 0;
  do {
    r = ::poll(&p, 1, timeout_ms);
  } while (r < 0 && errno == EINTR);
  return r > 0;
}

std::string address_of(const sockaddr_storage& addr, int& port) {
  char text[INET6_ADDRSTRLEN] = "";
  if (addr.ss_family == AF_INET) {
    const auto& a = reinterpret_cast<const sockaddr_in&>(addr);
    ::inet_ntop(AF_INET, &a.sin_addr, text, sizeof(text));
    port = ntohs(a.sin_port);
  } else if (addr.ss_family == AF_INET6) {
    const auto& a = reinterpret_cast<const sockaddr_in6&>(addr);
    ::inet_ntop(AF_INET6, &a.sin6_addr, text, sizeof(text));
    port = ntohs(a.sin6_port);
  }
  return text;
}

int ms_until(Clock::time_point until) {
  const auto left = std::chrono::duration_cast<milliseconds>(until - Clock::now()).count();
  return static_cast<int>(std::max<long long>(0, left));
}

// What OpenSSL waits for after `result` on `ssl`: POLLIN or POLLOUT, or 0 when the connection
// failed or was closed.
short tls_wait_events(SSL* ssl, int result) {
  switch (SSL_get_error(ssl, result)) {
    case SSL_ERROR_WANT_READ:
      return POLLIN;
    case SSL_ERROR_WANT_WRITE:
      return POLLOUT;
    default:
      return 0;
  }
}

// One connection's socket, or its TLS session over the socket: the head read ahead into
// `buffer_` and checked, then what httplib reads served from there first, and the body bounded.
// Over TLS the socket is non-blocking, so that a client that sends part of a TLS record cannot
// hold a read past its timeout; the handshake is part of waiting for the head.
class ConnectionStream : public httplib::Stream {
 public:
  ConnectionStream(int sock, SSL* ssl, int read_timeout_s, int write_timeout_s)
      : sock_(sock),
        ssl_(ssl),
        read_timeout_ms_(read_timeout_s * 1000),
        write_timeout_ms_(write_timeout_s * 1000) {}

  const std::string& buffered() const { return buffer_; }

  // Whether an answer can be sent: not over TLS before its handshake is done.
  bool can_answer() const { return ssl_ == nullptr || handshaken_; }

  // Reads what has arrived, waiting up to `wait_ms` for something: the bytes read, 0 when none
  // came in time, -1 when the client closed or failed.
  ssize_t fill(int wait_ms) {
    char chunk[16 * 1024];
    const ssize_t n = receive(chunk, sizeof(chunk), wait_ms);
    if (n > 0) buffer_.append(chunk, static_cast<std::size_t>(n));
    return n;
  }

  void start_body(std::size_t head_size) { head_size_ = head_size; }
  bool over_limit() const { return over_limit_; }

  bool is_readable() const override {
    return pos_ < buffer_.size() || (ssl_ != nullptr && SSL_pending(ssl_) > 0) ||
           wait_for(sock_, POLLIN, read_timeout_ms_);
  }
  bool is_writable() const override { return wait_for(sock_, POLLOUT, write_timeout_ms_); }

  ssize_t read(char* ptr, std::size_t size) override {
    if (pos_ == buffer_.size()) {
      if (served_ >= head_size_ + kMaxBodyBytesRead) {
        over_limit_ = true;
        return -1;
      }
      buffer_.clear();
      pos_ = 0;
      if (fill(read_timeout_ms_) <= 0) return -1;
    }
    const std::size_t allowed = head_size_ + kMaxBodyBytesRead - served_;
    const std::size_t n = std::min({size, buffer_.size() - pos_, allowed});
    if (n == 0) {
      over_limit_ = true;
      return -1;
    }
    std::copy_n(buffer_.data() + pos_, n, ptr);
    pos_ += n;
    served_ += n;
    return static_cast<ssize_t>(n);
  }

  ssize_t write(const char* ptr, std::size_t size) override {
    if (ssl_ != nullptr) return write_tls(ptr, size);
    if (!is_writable()) return -1;
    ssize_t n = 0;
    do {
      n = ::send(sock_, ptr, size, MSG_NOSIGNAL);
    } while (n < 0 && errno == EINTR);
    return n;
  }

  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    sockaddr_storage addr{};
    socklen_t len = sizeof(addr);
    if (::getpeername(sock_, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
      ip = address_of(addr, port);
    }
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    sockaddr_storage addr{};
    socklen_t len = sizeof(addr);
    if (::getsockname(sock_, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
      ip = address_of(addr, port);
    }
  }
  socket_t socket() const override { return sock_; }

 private:
  ssize_t receive(char* ptr, std::size_t size, int wait_ms) {
    if (ssl_ == nullptr) {
      if (!wait_for(sock_, POLLIN, wait_ms)) return 0;
      ssize_t n = 0;
      do {
        n = ::recv(sock_, ptr, size, 0);
      } while (n < 0 && errno == EINTR);
      return n <= 0 ? -1 : n;
    }
    const auto until = Clock::now() + milliseconds(wait_ms);
    for (;;) {
      int r = 0;
      if (!handshaken_) {
        r = SSL_accept(ssl_);
        if (r == 1) {
          handshaken_ = true;
          continue;
        }
      } else {
        r = SSL_read(ssl_, ptr, static_cast<int>(std::min<std::size_t>(size, INT_MAX)));
        if (r > 0) return r;
      }
      const short events = tls_wait_events(ssl_, r);
      if (events == 0) return -1;
      if (!wait_for(sock_, events, ms_until(until))) return 0;
    }
  }

  // OpenSSL writes all of `size` (no partial writes), retried with the same bytes while the
  // socket is full, for at most the write timeout.
  ssize_t write_tls(const char* ptr, std::size_t size) {
    const auto until = Clock::now() + milliseconds(write_timeout_ms_);
    for (;;) {
      const int r = SSL_write(ssl_, ptr, static_cast<int>(std::min<std::size_t>(size, INT_MAX)));
      if (r > 0) return r;
      const short events = tls_wait_events(ssl_, r);
      if (events == 0 || !wait_for(sock_, events, ms_until(until))) return -1;
    }
  }

  int sock_;
  SSL* ssl_;
  bool handshaken_ = false;
  int read_timeout_ms_;
  int write_timeout_ms_;
  std::string buffer_;
  std::size_t pos_ = 0;
  std::size_t served_ = 0;     ///< bytes handed to httplib, head included
  std::size_t head_size_ = 0;  ///< the request line and headers, with the blank line
  bool over_limit_ = false;
};

thread_local const ConnectionStream* current_connection = nullptr;

// An answer httplib never sees: the request was refused before it was parsed.
void refuse(ConnectionStream& strm, int status, const char* reason, const std::string& message) {
  const std::string body = dump_json(nlohmann::ordered_json{{"error", message}});
  const std::string answer = fmt::format(
      "HTTP/1.1 {} {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n"
      "Connection: close\r\n\r\n{}",
      status, reason, body.size(), body);
  strm.write(answer.data(), answer.size());
}

void linger_and_close(int sock, SSL* ssl) {
  // TLS's close_notify first, once (a client that does not read it is not waited for).
  if (ssl != nullptr) SSL_shutdown(ssl);
  ::shutdown(sock, SHUT_WR);
  const auto until = Clock::now() + milliseconds(kLingerMs);
  std::size_t dropped = 0;
  char chunk[16 * 1024];
  while (dropped < kLingerBytes) {
    const auto left = std::chrono::duration_cast<milliseconds>(until - Clock::now()).count();
    if (left <= 0 || !wait_for(sock, POLLIN, static_cast<int>(left))) break;
    const ssize_t n = ::recv(sock, chunk, sizeof(chunk), 0);
    if (n <= 0) break;
    dropped += static_cast<std::size_t>(n);
  }
  ::close(sock);
}

// Header lines in a head that ends with its blank line: the line ends, less the request line's
// and the blank line's.
std::size_t header_lines(const std::string& head) {
  std::size_t ends = 0;
  for (std::size_t at = head.find("\r\n"); at != std::string::npos;
       at = head.find("\r\n", at + 2)) {
    ++ends;
  }
  return ends >= 2 ? ends - 2 : 0;
}

}  // namespace

BoundedHttpServer::BoundedHttpServer(int threads, int head_timeout_s, int read_timeout_s,
                                     int write_timeout_s)
    : threads_(std::max(1, threads)),
      head_timeout_s_(std::max(1, head_timeout_s)),
      read_timeout_s_(std::max(1, read_timeout_s)),
      write_timeout_s_(std::max(1, write_timeout_s)) {
  new_task_queue = [n = threads_] { return new httplib::ThreadPool(static_cast<std::size_t>(n)); };
  set_payload_max_length(kMaxUploadBytes);
  set_socket_options(&BoundedHttpServer::set_socket_options_of);
}

bool BoundedHttpServer::body_over_limit() {
  return current_connection != nullptr && current_connection->over_limit();
}

void BoundedHttpServer::set_socket_options_of(int sock) {
  const int yes = 1;
  ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
}

void BoundedHttpServer::use_tls(SslCtxPtr context) {
  tls_ = std::move(context);
}

bool BoundedHttpServer::stopping() const {
  return svr_sock_ == INVALID_SOCKET;
}

bool BoundedHttpServer::process_and_close_socket(socket_t sock) {
  SslPtr ssl;
  if (tls_) {
    // OpenSSL writes to the socket with write(2), which raises SIGPIPE when the client has gone:
    // blocked on this worker, it stays pending and the write fails with EPIPE instead of ending
    // the process (the plain connections' send() has MSG_NOSIGNAL).
    sigset_t pipe;
    sigemptyset(&pipe);
    sigaddset(&pipe, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe, nullptr);
    ssl.reset(SSL_new(tls_.get()));
    const int flags = ::fcntl(sock, F_GETFL);
    if (!ssl || SSL_set_fd(ssl.get(), sock) != 1 || flags < 0 ||
        ::fcntl(sock, F_SETFL, flags | O_NONBLOCK) != 0) {
      ::close(sock);
      return false;
    }
  }
  ConnectionStream strm(sock, ssl.get(), read_timeout_s_, write_timeout_s_);
  const auto start = Clock::now();
  auto deadline = start + std::chrono::seconds(head_timeout_s_);
  bool slot_checked = false;
  bool holds_slot = false;
  std::size_t head_size = 0;
  enum class Head { kComplete, kTooLarge, kLate, kGone } head = Head::kGone;
  // A TLS client's request needs a round trip (the handshake) after it connects: one that is
  // done within kStopCheckMs is not slow.
  for (int wait_ms = tls_ ? kStopCheckMs : 0;; wait_ms = kStopCheckMs) {
    const ssize_t got = strm.fill(wait_ms);
    if (got < 0 || stopping()) break;
    const auto end = strm.buffered().find("\r\n\r\n");
    if (end != std::string::npos) {
      head_size = end + 4;
      const bool too_large = head_size > kMaxHeadBytes ||
                             header_lines(strm.buffered().substr(0, head_size)) > kMaxHeaderLines;
      head = too_large ? Head::kTooLarge : Head::kComplete;
      break;
    }
    if (strm.buffered().size() >= kMaxHeadBytes) {
      head = Head::kTooLarge;
      break;
    }
    if (!slot_checked) {
      // Slow so far: wait on one of the other workers, or briefly on the last one.
      slot_checked = true;
      holds_slot = slow_heads_.fetch_add(1) < threads_ - 1;
      if (!holds_slot) {
        slow_heads_.fetch_sub(1);
        deadline = std::min(deadline, start + milliseconds(kReservedWorkerHeadWaitMs));
      }
    }
    if (Clock::now() >= deadline) {
      head = Head::kLate;
      break;
    }
  }
  if (holds_slot) slow_heads_.fetch_sub(1);

  // A TLS client still in its handshake cannot be answered; it is only closed.
  if (!strm.can_answer()) head = Head::kGone;
  bool ok = false;
  switch (head) {
    case Head::kComplete: {
      strm.start_body(head_size);
      current_connection = &strm;
      bool closed = false;
      ok = process_request(strm, true, closed, nullptr);
      current_connection = nullptr;
      break;
    }
    case Head::kTooLarge:
      refuse(strm, 431, "Request Header Fields Too Large",
             fmt::format("the request line and headers are larger than the limit of {} bytes "
                         "or {} header lines",
                         kMaxHeadBytes, kMaxHeaderLines));
      break;
    case Head::kLate:
      refuse(strm, 408, "Request Timeout",
             fmt::format("the request line and headers did not arrive within {} s",
                         std::chrono::duration_cast<milliseconds>(deadline - start).count() / 1e3));
      break;
    case Head::kGone:
      break;
  }
  if (head == Head::kGone || stopping()) {
    ::close(sock);
  } else {
    linger_and_close(sock, ssl.get());
  }
  return ok;
}

}  // namespace emomusic::session
