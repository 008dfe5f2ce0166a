// The web server against hostile clients, over real sockets on 127.0.0.1: oversized and endless
// headers, chunked bodies past the limit, slow clients, duplicate headers, huge images, long
// lists, a second server on the same port and a history file that is not one; and the same
// limits over TLS on 127.0.0.2, where a client may also stall in its handshake. Each loop is
// bounded in bytes and rounds, each wait in seconds.

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <string>
#include <thread>
#include <vector>

#include "../vision/tiny_model.hpp"
#include "emomusic/core/error.hpp"
#include "emomusic/music/mood_history.hpp"
#include "emomusic/session/web_limits.hpp"
#include "emomusic/session/web_server.hpp"
#include "test_support.hpp"

namespace emomusic::session {
namespace {

namespace fs = std::filesystem;
using emomusic::test::TempDir;

constexpr std::size_t kFlood = 50u << 20;  // what a hostile client sends at most in these tests

// The resident memory of this process (the server runs in it), in bytes.
std::size_t resident_bytes() {
  std::ifstream status("/proc/self/status");
  std::string key;
  while (status >> key) {
    if (key == "VmRSS:") {
      std::size_t kb = 0;
      status >> kb;
      return kb * 1024;
    }
    status.ignore(4096, '\n');
  }
  return 0;
}

// Everything the server sends on `c` (a Client or TlsClient) until it closes, at most 1 MB, waiting
// at most `wait_ms` for it: c.answered(ms) says whether something came, c.receive() reads it.
template <typename Connection>
std::string read_answer(Connection& c, int wait_ms) {
  std::string out;
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(wait_ms);
  char chunk[16384];
  while (out.size() < (1u << 20)) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                          until - std::chrono::steady_clock::now())
                          .count();
    if (left <= 0 || !c.answered(static_cast<int>(left))) break;
    const long n = c.receive(chunk, sizeof(chunk));
    if (n <= 0) break;
    out.append(chunk, static_cast<std::size_t>(n));
  }
  return out;
}

// A client connection to `address` (127.0.0.1 unless said), blocking, with 10 s send and receive
// timeouts.
class Client {
 public:
  explicit Client(int port, const char* address = "127.0.0.1")
      : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    timeval t{10, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &t, sizeof(t));
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &t, sizeof(t));
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<std::uint16_t>(port));
    ::inet_pton(AF_INET, address, &a.sin_addr);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof(a)) == 0;
  }
  ~Client() { ::close(fd_); }
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  bool connected() const { return connected_; }
  int fd() const { return fd_; }

  // False once the server has closed or reset the connection.
  bool send(const std::string& data) {
    std::size_t off = 0;
    while (off < data.size()) {
      const ssize_t n = ::send(fd_, data.data() + off, data.size() - off, MSG_NOSIGNAL);
      if (n <= 0) return false;
      off += static_cast<std::size_t>(n);
    }
    return true;
  }

  // Whether the server has sent something (or closed) within `wait_ms`.
  bool answered(int wait_ms) const {
    pollfd p{fd_, POLLIN, 0};
    return ::poll(&p, 1, wait_ms) > 0;
  }

  std::string answer(int wait_ms = 10000) { return read_answer(*this, wait_ms); }
  long receive(char* buffer, std::size_t size) { return ::recv(fd_, buffer, size, 0); }

 private:
  int fd_;
  bool connected_ = false;
};

// A TLS connection to 127.0.0.2 that trusts only the certificate `ca` and checks that it names
// 127.0.0.2; the handshake is done in the constructor.
class TlsClient {
 public:
  TlsClient(int port, const fs::path& ca) : tcp_(port, "127.0.0.2") {
    // A write to a server that has closed must fail, not end the test.
    ::signal(SIGPIPE, SIG_IGN);
    ctx_.reset(SSL_CTX_new(TLS_client_method()));
    SSL_CTX_load_verify_locations(ctx_.get(), ca.c_str(), nullptr);
    SSL_CTX_set_verify(ctx_.get(), SSL_VERIFY_PEER, nullptr);
    ssl_.reset(SSL_new(ctx_.get()));
    X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl_.get()), "127.0.0.2");
    SSL_set_fd(ssl_.get(), tcp_.fd());
    connected_ = tcp_.connected() && SSL_connect(ssl_.get()) == 1;
  }

  bool connected() const { return connected_; }

  bool send(const std::string& data) {
    std::size_t off = 0;
    while (off < data.size()) {
      const int n = SSL_write(ssl_.get(), data.data() + off, static_cast<int>(data.size() - off));
      if (n <= 0) return false;
      off += static_cast<std::size_t>(n);
    }
    return true;
  }

  // Whether the server has sent data (or closed) within `wait_ms`. TLS 1.3 session tickets come
  // after the handshake as records without data: they are read (the socket briefly
  // non-blocking) and waited past.
  bool answered(int wait_ms) const {
    const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(wait_ms);
    for (;;) {
      if (SSL_pending(ssl_.get()) > 0) return true;
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                            until - std::chrono::steady_clock::now())
                            .count();
      if (!tcp_.answered(static_cast<int>(std::max<long long>(0, left)))) return false;
      const int flags = ::fcntl(tcp_.fd(), F_GETFL);
      ::fcntl(tcp_.fd(), F_SETFL, flags | O_NONBLOCK);
      char byte = 0;
      const int n = SSL_peek(ssl_.get(), &byte, 1);
      const bool only_tickets = n <= 0 && SSL_get_error(ssl_.get(), n) == SSL_ERROR_WANT_READ;
      ::fcntl(tcp_.fd(), F_SETFL, flags);
      if (!only_tickets) return true;
    }
  }

  std::string answer(int wait_ms = 10000) { return read_answer(*this, wait_ms); }
  long receive(char* buffer, std::size_t size) {
    return SSL_read(ssl_.get(), buffer, static_cast<int>(size));
  }

 private:
  struct Free {
    void operator()(SSL_CTX* p) const { SSL_CTX_free(p); }
    void operator()(SSL* p) const { SSL_free(p); }
  };
  Client tcp_;
  std::unique_ptr<SSL_CTX, Free> ctx_;
  std::unique_ptr<SSL, Free> ssl_;
  bool connected_ = false;
};

int status_of(const std::string& answer) {
  if (answer.rfind("HTTP/1.1 ", 0) != 0 || answer.size() < 12) return 0;
  return std::stoi(answer.substr(9, 3));
}

std::string body_of(const std::string& answer) {
  const auto at = answer.find("\r\n\r\n");
  return at == std::string::npos ? std::string() : answer.substr(at + 4);
}

// A PNG of random grey noise (it compresses badly, so it is large for its size), no face in it.
std::string noise_png(int side) {
  cv::Mat image(side, side, CV_8UC3);
  cv::randu(image, 0, 255);
  std::vector<unsigned char> bytes;
  cv::imencode(".png", image, bytes);
  return std::string(bytes.begin(), bytes.end());
}

// A real PNG whose header says width × height (its data is a small image's): what a hostile
// upload looks like. The header is all the server may read of it.
std::string png_claiming(std::uint32_t width, std::uint32_t height) {
  std::string png = noise_png(8);
  for (int i = 0; i < 4; ++i) {
    png[16 + i] = static_cast<char>(width >> (24 - 8 * i));
    png[20 + i] = static_cast<char>(height >> (24 - 8 * i));
  }
  return png;
}

// What a hostile client sends and what comes of it.
struct Flood {
  std::size_t sent = 0;   ///< bytes of blocks sent
  std::size_t grown = 0;  ///< how much this process's resident memory grew meanwhile
  std::string answer;
};

// Sends `head` on `c` (a Client or TlsClient), then `block` again and again until the server
// answers or closes, or kFlood bytes have gone; then reads the answer.
template <typename Connection>
Flood flood_on(Connection& c, const std::string& head, const std::string& block) {
  Flood out;
  const std::size_t before = resident_bytes();
  EXPECT_TRUE(c.connected());
  bool open = c.send(head);
  while (open && out.sent < kFlood && !c.answered(0)) {
    open = c.send(block);
    out.sent += block.size();
  }
  out.answer = c.answer();
  const std::size_t after = resident_bytes();
  out.grown = after > before ? after - before : 0;
  return out;
}

Flood flood(int port, const std::string& head, const std::string& block) {
  Client c(port);
  return flood_on(c, head, block);
}

class WebServerLimitsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ::setenv("XDG_DATA_HOME", (dir / "xdg").c_str(), 1);
    test::write_tiny_model(dir / "tiny.safetensors");
  }

  void TearDown() override {
    if (server_) server_->stop();
    if (thread_.joinable()) thread_.join();
  }

  WebServerOptions options() const {
    WebServerOptions o;
    o.port = 0;
    o.classifier.models = {dir / "tiny.safetensors"};
    o.classifier.tta = nn::Tta::kNone;
    o.recommender.history = dir / "history.db";
    o.threads = 2;
    o.head_timeout_s = 3;
    return o;
  }

  void start(const WebServerOptions& o) {
    server_ = std::make_unique<WebServer>(o);
    port_ = server_->bind();
    thread_ = std::thread([this] { server_->run(); });
  }
  void start() { start(options()); }

  std::string host() const { return "Host: 127.0.0.1:" + std::to_string(port_) + "\r\n"; }
  std::string token() const { return "X-Emomusic-Token: " + server_->token() + "\r\n"; }

  // One whole request on a new connection; the whole answer.
  std::string request(const std::string& raw) {
    Client c(port_);
    EXPECT_TRUE(c.connected());
    c.send(raw);
    return c.answer();
  }

  std::string post(const std::string& path, const std::string& content_type,
                   const std::string& body) {
    return request("POST " + path + " HTTP/1.1\r\n" + host() + token() +
                   "Content-Type: " + content_type +
                   "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body);
  }

  int health() { return status_of(request("GET /api/health HTTP/1.1\r\n" + host() + "\r\n")); }

  TempDir dir;
  std::unique_ptr<WebServer> server_;
  std::thread thread_;
  int port_ = 0;
};

TEST_F(WebServerLimitsTest, EndlessHeadersAre431WithoutGrowingTheServer) {
  start();
  std::string lines;
  for (int i = 0; i < 64; ++i) lines += "X-Pad: " + std::string(1000, 'a') + "\r\n";
  const Flood f = flood(port_, "GET /api/health HTTP/1.1\r\n" + host(), lines);
  EXPECT_EQ(status_of(f.answer), 431) << f.answer.substr(0, 300) << " after " << f.sent << " bytes";
  EXPECT_NE(body_of(f.answer).find("limit of 65536 bytes"), std::string::npos) << f.answer;
  EXPECT_LT(f.sent, kFlood);
  EXPECT_LT(f.grown, 16u << 20) << "sent " << f.sent << " bytes of headers";
  EXPECT_EQ(health(), 200);
}

TEST_F(WebServerLimitsTest, TooManyHeaderLinesAre431) {
  start();
  std::string raw = "GET /api/health HTTP/1.1\r\n" + host();
  for (std::size_t i = 0; i < kMaxHeaderLines; ++i) raw += "X-" + std::to_string(i) + ": 1\r\n";
  EXPECT_EQ(status_of(request(raw + "\r\n")), 431);
  // One fewer is a request like any other.
  raw = "GET /api/health HTTP/1.1\r\n" + host();
  for (std::size_t i = 1; i < kMaxHeaderLines; ++i) raw += "X-" + std::to_string(i) + ": 1\r\n";
  EXPECT_EQ(status_of(request(raw + "\r\n")), 200);
}

TEST_F(WebServerLimitsTest, ChunkedBodiesCountAgainstTheLimitAsTheyArrive) {
  start();
  // To routes that read the body, and to an unknown path, where httplib reads it.
  for (const std::string target :
       {"POST /api/analyze?session=a", "POST /api/feedback", "POST /api/nothing"}) {
    SCOPED_TRACE(target);
    const Flood f = flood(port_,
                          target + " HTTP/1.1\r\n" + host() + token() +
                              "Content-Type: image/jpeg\r\nTransfer-Encoding: chunked\r\n\r\n",
                          "10000\r\n" + std::string(0x10000, '\xff') + "\r\n");
    EXPECT_EQ(status_of(f.answer), 413)
        << f.answer.substr(0, 300) << " after " << f.sent << " bytes";
    EXPECT_NE(body_of(f.answer).find("limit of 8388608 bytes"), std::string::npos) << f.answer;
    EXPECT_LT(f.sent, kFlood);
    EXPECT_LT(f.grown, 40u << 20) << "sent " << f.sent << " bytes";
  }
  EXPECT_EQ(health(), 200);
}

TEST_F(WebServerLimitsTest, SlowClientsLeaveAWorkerForOthers) {
  start();  // 2 workers, 3 s for a request's headers
  std::vector<std::unique_ptr<Client>> slow;
  for (int i = 0; i < 2; ++i) {
    slow.push_back(std::make_unique<Client>(port_));
    ASSERT_TRUE(slow.back()->connected());
    slow.back()->send("GET /api/health HTTP/1.1\r\n");
  }
  // A header line every 0.1 s from each, for at most 6 s: each read succeeds in time.
  std::atomic<bool> stop{false};
  std::thread dribble([&] {
    for (int round = 0; round < 60 && !stop; ++round) {
      for (auto& c : slow) c->send("X-Slow: 1\r\n");
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  Client c(port_);
  c.send("GET /api/health HTTP/1.1\r\n" + host() + "\r\n");
  const std::string answer = c.answer(5000);
  stop = true;
  dribble.join();
  EXPECT_EQ(status_of(answer), 200) << answer;
  // And the slow ones were told they took too long.
  for (auto& s : slow) {
    const std::string a = s->answer(6000);
    EXPECT_EQ(status_of(a), 408) << a;
  }
}

TEST_F(WebServerLimitsTest, DuplicateHeadersAre400) {
  start();
  const std::string origin = "Origin: http://127.0.0.1:" + std::to_string(port_) + "\r\n";
  const std::string two_hosts =
      request("GET /api/health HTTP/1.1\r\n" + host() + "Host: evil.example\r\n\r\n");
  EXPECT_EQ(status_of(two_hosts), 400) << two_hosts;
  EXPECT_NE(body_of(two_hosts).find("2 Host headers"), std::string::npos) << two_hosts;
  const std::string two_origins = request("GET /api/health HTTP/1.1\r\n" + host() + origin +
                                          "Origin: http://evil.example\r\n\r\n");
  EXPECT_EQ(status_of(two_origins), 400) << two_origins;
  const std::string both =
      request("GET /api/health HTTP/1.1\r\n" + host() +
              "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
  EXPECT_EQ(status_of(both), 400) << both;
  EXPECT_NE(body_of(both).find("both Content-Length and Transfer-Encoding"), std::string::npos);
  // One of each is fine.
  EXPECT_EQ(status_of(request("GET /api/health HTTP/1.1\r\n" + host() + origin + "\r\n")), 200);
}

TEST_F(WebServerLimitsTest, ImageBytesAreReadWhateverTheirContentType) {
  start();
  const std::string png = noise_png(128);  // well over the 8 KB httplib allows a form body
  ASSERT_GT(png.size(), 8192u);
  // curl --data-binary says application/x-www-form-urlencoded; a script may say nothing.
  for (const std::string type : {"application/x-www-form-urlencoded", "image/png", ""}) {
    const std::string answer = post("/api/analyze?session=form", type, png);
    EXPECT_EQ(status_of(answer), 200) << type << ": " << answer.substr(0, 300);
    EXPECT_NE(body_of(answer).find("\"faces\":[]"), std::string::npos) << answer.substr(0, 300);
  }
  const std::string form = post("/api/analyze?session=form", "multipart/form-data; boundary=x",
                                "--x\r\n\r\n" + png + "\r\n--x--\r\n");
  EXPECT_EQ(status_of(form), 415) << form.substr(0, 300);
}

TEST_F(WebServerLimitsTest, ImagesLargerThanAPageSendsAreRefusedFromTheirHeader) {
  start();
  // 5000×5000 is under the 50-megapixel limit of image files, over the one of uploads.
  for (const auto& [w, h] : {std::pair{5000u, 5000u}, {20000u, 20000u}, {4097u, 4096u}}) {
    const std::string answer = post("/api/analyze?session=big", "image/png", png_claiming(w, h));
    EXPECT_EQ(status_of(answer), 400) << w << "×" << h << ": " << answer;
    EXPECT_NE(body_of(answer).find("more than the limit of 16 megapixels"), std::string::npos)
        << answer;
  }
  EXPECT_EQ(health(), 200);
}

TEST_F(WebServerLimitsTest, FeedbackNamesAFewArtists) {
  start();
  nlohmann::json body = {
      {"track_id", "4cOdK2wGLETKBW3PvgPWqT"}, {"emotion", "sad"}, {"kind", "like"}};
  body["artists"] = std::vector<std::string>(music::kMaxFeedbackArtists + 1, "someone");
  const std::string many = post("/api/feedback", "application/json", body.dump());
  EXPECT_EQ(status_of(many), 400) << many;
  EXPECT_NE(body_of(many).find("artists holds more than the limit of 20"), std::string::npos)
      << many;
  body["artists"] = std::vector<std::string>(music::kMaxFeedbackArtists, "someone");
  EXPECT_EQ(status_of(post("/api/feedback", "application/json", body.dump())), 200);
}

TEST_F(WebServerLimitsTest, ASecondServerCannotTakeTheSamePort) {
  start();
  WebServerOptions o = options();
  o.port = port_;
  WebServer second(o);
  EXPECT_THROW(second.bind(), UnavailableError);
  EXPECT_EQ(health(), 200);
}

TEST_F(WebServerLimitsTest, AHistoryFileThatIsNotOneFailsAtStart) {
  const fs::path other = dir / "other.db";
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(other.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "CREATE TABLE people (name TEXT)", nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  WebServerOptions o = options();
  o.recommender.history = other;
  EXPECT_THROW(WebServer server(o), InputError);
  // A history that does not exist yet is made on the first write, not at start.
  o.recommender.history = dir / "new.db";
  WebServer fresh(o);
  EXPECT_FALSE(fs::exists(o.recommender.history));
}

// Beyond loopback the connection is TLS, and the handshake counts as part of the head: a client
// that never starts it, or sends its headers slowly after it, leaves a worker for the others and
// is sent away after the head timeout; the header and body limits hold as they do in the clear.
TEST_F(WebServerLimitsTest, TheLimitsHoldOverTls) {
  WebServerOptions o = options();  // 2 workers, 3 s for a request's headers
  o.host = "127.0.0.2";
  o.secrets_dir = dir / "serve";
  start(o);
  ASSERT_TRUE(server_->certificate().has_value());
  const fs::path ca = server_->certificate()->files.cert;
  const std::string host = "Host: 127.0.0.2:" + std::to_string(port_) + "\r\n";
  const auto tls_request = [&](const std::string& raw) {
    TlsClient c(port_, ca);
    EXPECT_TRUE(c.connected());
    c.send(raw);
    return c.answer();
  };
  EXPECT_EQ(status_of(tls_request("GET / HTTP/1.1\r\n" + host + "\r\n")), 200);

  std::string raw = "GET /api/health HTTP/1.1\r\n" + host;
  for (std::size_t i = 0; i < kMaxHeaderLines; ++i) raw += "X-" + std::to_string(i) + ": 1\r\n";
  EXPECT_EQ(status_of(tls_request(raw + "\r\n")), 431);

  {
    TlsClient c(port_, ca);
    const Flood f = flood_on(c,
                             "POST /api/session HTTP/1.1\r\n" + host + token() +
                                 "Content-Type: application/json\r\nTransfer-Encoding: "
                                 "chunked\r\n\r\n",
                             "10000\r\n" + std::string(0x10000, 'a') + "\r\n");
    EXPECT_EQ(status_of(f.answer), 413)
        << f.answer.substr(0, 300) << " after " << f.sent << " bytes";
    EXPECT_LT(f.sent, kFlood);
  }

  // One client that never starts its handshake, one that dribbles its headers after it.
  Client silent(port_, "127.0.0.2");
  ASSERT_TRUE(silent.connected());
  TlsClient slow(port_, ca);
  ASSERT_TRUE(slow.connected());
  slow.send("GET /api/health HTTP/1.1\r\n");
  std::atomic<bool> stop{false};
  std::thread dribble([&] {
    for (int round = 0; round < 60 && !stop; ++round) {
      slow.send("X-Slow: 1\r\n");
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const auto asked = std::chrono::steady_clock::now();
  const int status = status_of(tls_request("GET / HTTP/1.1\r\n" + host + "\r\n"));
  const auto waited = std::chrono::steady_clock::now() - asked;
  stop = true;
  dribble.join();
  EXPECT_EQ(status, 200);
  EXPECT_LT(waited, std::chrono::seconds(2));
  const std::string slow_answer = slow.answer(6000);
  EXPECT_EQ(status_of(slow_answer), 408) << slow_answer;
  // The silent one is closed without an answer (there is no TLS session to send it in).
  EXPECT_EQ(silent.answer(6000), "");
  EXPECT_LT(std::chrono::steady_clock::now() - asked, std::chrono::seconds(8));
}

}  // namespace
}  // namespace emomusic::session
