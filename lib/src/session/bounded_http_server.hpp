#pragma once
// cpp-httplib's Server with the connection handling a server facing untrusted clients needs, which
// Debian's libcpp-httplib (0.11, built as a shared library, so its compile-time limits cannot be
// changed) lacks: it buffers any number of header lines and any chunked body, and a client that
// sends its headers slowly holds a worker for as long as it likes.
//
// Here each connection carries one request (then closes), and before httplib parses anything:
// - the request line and headers must arrive whole within the head timeout (408 after it), in
//   at most kMaxHeadBytes and kMaxHeaderLines (431);
// - a connection whose headers are not complete on arrival waits on one of threads − 1 workers;
//   when those are all taken, at most kReservedWorkerHeadWaitMs on the last, so that a client
//   that sends its request at once is always answered;
// - the body is read through a stream that stops at kMaxUploadBytes of body plus room for chunk
//   framing, whatever the route does with it (body_over_limit() then says so, for a 413).
// Refusals are JSON {"error": …} with "Connection: close".
//
// With use_tls(), every connection is TLS (OpenSSL over the same socket): the handshake counts
// as part of the head, so the same limits hold.

#include <httplib.h>

#include <atomic>
#include <cstddef>
#include <string>

#include "tls_openssl.hpp"

namespace emomusic::session {

class BoundedHttpServer : public httplib::Server {
 public:
  /// `threads` request workers (at least 1), `head_timeout_s` seconds for each request's line and
  /// headers, `read_timeout_s` and `write_timeout_s` for each read and write after them.
  BoundedHttpServer(int threads, int head_timeout_s, int read_timeout_s, int write_timeout_s);

  /// Serves every connection over TLS with `context` (server_context()). Call before listening.
  void use_tls(SslCtxPtr context);

  /// Whether the request being handled on this thread read past the body limit.
  static bool body_over_limit();

  /// Replaces cpp-httplib's default socket options (SO_REUSEPORT, which lets a second server bind
  /// the same port and take half of its requests) with SO_REUSEADDR alone.
  static void set_socket_options_of(int sock);

 private:
  bool process_and_close_socket(socket_t sock) override;
  bool stopping() const;

  int threads_;
  int head_timeout_s_;
  int read_timeout_s_;
  int write_timeout_s_;
  std::atomic<int> slow_heads_{0};
  SslCtxPtr tls_;  ///< workers waiting for a slow client's headers
};

}  // namespace emomusic::session
