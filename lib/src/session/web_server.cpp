#include "emomusic/session/web_server.hpp"

#include <fmt/format.h>
#include <httplib.h>
#include <netdb.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "bounded_http_server.hpp"
#include "emomusic/core/error.hpp"
#include "emomusic/core/paths.hpp"
#include "emomusic/core/text.hpp"
#include "emomusic/music/mood_history.hpp"
#include "emomusic/music/track.hpp"
#include "emomusic/session/access_secret.hpp"
#include "emomusic/session/face_analysis.hpp"
#include "emomusic/session/mood_record.hpp"
#include "emomusic/session/recommender.hpp"
#include "emomusic/session/tls_certificate.hpp"
#include "emomusic/session/web_config.hpp"
#include "emomusic/session/web_limits.hpp"
#include "emomusic_web_page.hpp"
#include "request_guard.hpp"
#include "web_assets.hpp"
#include "web_request.hpp"

namespace emomusic::session {
namespace {

using Request = httplib::Request;
using Response = httplib::Response;
using ContentReader = httplib::ContentReader;
using HandlerResponse = httplib::Server::HandlerResponse;

constexpr const char* kTokenPlaceholder = "{{EMOMUSIC_TOKEN}}";
constexpr const char* kJson = "application/json";

void reply(Response& res, int status, const nlohmann::ordered_json& body) {
  res.status = status;
  res.set_content(dump_json(body), kJson);
}

void reply_error(Response& res, int status, const std::string& message) {
  reply(res, status, {{"error", valid_utf8(message)}});
}

// The one table from the library's kinds of failure to HTTP statuses. A bad value or file in
// the request is the client's (400); a failure of Spotify is a bad gateway (502).
int http_status(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kBadValue:
    case ErrorKind::kBadInput:
      return 400;
    case ErrorKind::kNotFound:
      return 404;
    case ErrorKind::kService:
      return 502;
    case ErrorKind::kUnavailable:
      return 503;
    case ErrorKind::kBadModel:
    case ErrorKind::kInterrupted:
    case ErrorKind::kInternal:
      return 500;
  }
  return 500;
}

// The session cookie lasts as long as browsers let one (400 days): a phone stays signed in until
// the secret changes.
constexpr int kSessionCookieSeconds = 400 * 24 * 60 * 60;

// Throws UnavailableError, as bind() would, unless `host` is an address of this machine. Checked
// before a certificate and access secret are made for it: a mistyped --host must leave nothing
// behind in the secrets folder.
void check_bindable(const std::string& host) {
  addrinfo hints{};
  hints.ai_flags = AI_PASSIVE;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  bool bindable = false;
  if (::getaddrinfo(host.c_str(), "0", &hints, &found) == 0) {
    for (const addrinfo* a = found; a != nullptr && !bindable; a = a->ai_next) {
      const int fd = ::socket(a->ai_family, a->ai_socktype, a->ai_protocol);
      if (fd < 0) continue;
      bindable = ::bind(fd, a->ai_addr, a->ai_addrlen) == 0;
      ::close(fd);
    }
    ::freeaddrinfo(found);
  }
  if (!bindable) {
    throw UnavailableError(
        fmt::format("cannot listen on {} (not an address of this machine)", excerpt(host, 200)));
  }
}

// Beyond loopback, the certificate to serve: the user's, else the server's own.
std::optional<ServerCertificate> certificate_for(const WebServerOptions& options) {
  if (is_loopback_host(options.host)) return std::nullopt;
  check_bindable(options.host);
  if (options.tls) return given_certificate(*options.tls);
  return own_certificate(options.secrets_dir, options.host);
}

// Spotify's playlist names are short; a page never sends more, a script must not store a book.
constexpr std::size_t kMaxPlaylistName = 200;

// The page with this start's token in it.
std::string page_with_token(const std::string& token) {
  std::string page(reinterpret_cast<const char*>(kEmomusicWebPage), kEmomusicWebPage_size);
  for (auto at = page.find(kTokenPlaceholder); at != std::string::npos;
       at = page.find(kTokenPlaceholder, at + token.size())) {
    page.replace(at, std::string_view(kTokenPlaceholder).size(), token);
  }
  return page;
}

}  // namespace

std::filesystem::path default_secrets_dir() {
  return user_config_dir() / "serve";
}

std::string random_token() {
  std::random_device device;
  std::string token;
  for (int i = 0; i < 4; ++i) token += fmt::format("{:08x}", device());
  return token;
}

struct WebServer::Impl {
  WebServerOptions options;
  std::string token = random_token();
  // Beyond loopback (before the model, so that a bad certificate fails at once).
  std::optional<ServerCertificate> certificate = certificate_for(options);
  std::string secret =
      certificate ? access_secret(options.secrets_dir, options.new_secret) : std::string();
  std::optional<std::string> session_cookie =
      certificate ? std::optional(session_cookie_value(secret)) : std::nullopt;
  SecretAttempts attempts;
  FaceAnalyzer analyzer;
  Recommender recommender;
  MoodSessions sessions;
  std::string page = page_with_token(token);
  RequestGuard guard{options.host, token, session_cookie};
  BoundedHttpServer server;
  int port = 0;

  explicit Impl(WebServerOptions o)
      : options(std::move(o)),
        analyzer(options.classifier),
        recommender(options.recommender),
        sessions(options.max_sessions),
        server(options.threads, options.head_timeout_s, options.read_timeout_s,
               options.write_timeout_s) {
    if (certificate) server.use_tls(server_context(certificate->files));
  }

  ListenerHistory& history() { return recommender.history(); }

  void get_page(const Request&, Response& res) {
    set_page_headers(res);
    res.set_content(page, "text/html; charset=utf-8");
  }

  // What the page shows by default, from the loaded mapping.
  void get_config(const Request&, Response& res) {
    reply(res, 200, web_config(recommender.mapping()));
  }

  void get_health(const Request&, Response& res) {
    reply(res, 200,
          {{"status", "ok"},
           {"version", options.version},
           {"history_kept", history().kept_on_disk()},
           {"spotify", recommender.has_spotify()},
           {"spotify_login", recommender.spotify_login()}});
  }

  // A mood that settles (or changes) is the listener's mood now: it goes into the history.
  void post_analyze(const Request& req, Response& res, const ContentReader& read) {
    const std::string id = session_id(req);
    const std::string image = read_body(req, res, read);
    if (image.empty()) throw BadRequest("the request has no image (empty body)");
    const FrameAnalysis analysis = sessions.analyse(id, analyzer, image, "the uploaded image");
    if (analysis.settled && analysis.settled->changed) {
      history().record_mood(
          settled_mood_entry(analysis.settled->emotion, analysis.settled->confidence, "page"));
    } else {
      history().write_pending_moods();
    }
    reply(res, 200, to_json(analysis));
  }

  void get_recommend(const Request& req, Response& res) {
    reply(res, 200, to_json(recommender.recommend(playlist_request(req))));
  }

  void post_feedback(const Request& req, Response& res, const ContentReader& read) {
    const nlohmann::json body = object_body(read_body(req, res, read));
    music::FeedbackEntry entry;
    entry.track_id = string_field(body, "track_id");
    entry.emotion = emotion_from_string(string_field(body, "emotion"));
    entry.kind = music::feedback_kind_from_string(string_field(body, "kind"));
    entry.artists = string_array_field(body, "artists");
    entry.time = music::utc_now();
    history().record_feedback(entry);
    reply(res, 200, {{"status", "ok"}});
  }

  void get_history(const Request& req, Response& res) {
    reply(res, 200, history().report(history_days(req)).to_json());
  }

  void delete_history(const Request&, Response& res) {
    const music::ClearedCounts cleared = history().clear();
    spdlog::info("cleared the history: {} moods, {} likes and skips", cleared.moods,
                 cleared.feedback);
    reply(res, 200, music::to_json(cleared));
  }

  void post_spotify_playlist(const Request& req, Response& res, const ContentReader& read) {
    const nlohmann::json body = object_body(read_body(req, res, read));
    const std::string name(trim_whitespace(string_field(body, "name")));
    if (name.empty() || name.size() > kMaxPlaylistName) {
      throw BadRequest(fmt::format("field name must hold 1 to {} bytes of text, not \"{}\"",
                                   kMaxPlaylistName, excerpt(name)));
    }
    std::vector<std::string> ids = string_array_field(body, "track_ids");
    const auto max_ids = static_cast<std::size_t>(music::kLimitRange.hi);
    if (ids.empty() || ids.size() > max_ids) {
      throw BadRequest(
          fmt::format("field track_ids must hold 1 to {} track ids, not {}", max_ids, ids.size()));
    }
    for (std::size_t i = 0; i < ids.size(); ++i) {
      const auto id = music::normalize_track_id(ids[i]);
      if (!id) {
        throw BadRequest(fmt::format("field track_ids[{}] is not a Spotify track id: \"{}\"", i,
                                     excerpt(ids[i])));
      }
      ids[i] = *id;
    }
    std::string description = kSavedPlaylistDescription;
    if (body.contains("emotion")) {
      const Emotion emotion = emotion_from_string(string_field(body, "emotion"));
      description += fmt::format(" for a {} mood", to_string(emotion));
    }
    const SavedPlaylist saved = recommender.save(name, ids, description);
    spdlog::info("saved the Spotify playlist \"{}\" ({} tracks): {}", name, saved.tracks_added,
                 saved.url);
    reply(res, 200, to_json(saved));
  }

  // The access secret for the session cookie; wrong ones counted per address (access_secret.hpp).
  void post_session(const Request& req, Response& res, const ContentReader& read) {
    const auto now = SecretAttempts::Clock::now();
    if (const auto left = attempts.locked(req.remote_addr, now)) {
      res.set_header("Retry-After", std::to_string(*left));
      reply_error(res, 429,
                  fmt::format("too many wrong access secrets from {}: try again in {} s",
                              req.remote_addr, *left));
      return;
    }
    const nlohmann::json body = object_body(read_body(req, res, read));
    if (!same_secret(string_field(body, "secret"), secret)) {
      const int failures = attempts.failed(req.remote_addr, now);
      spdlog::warn("a wrong access secret from {} ({} in a row)", req.remote_addr, failures);
      reply_error(res, 403, "that is not this server's access secret");
      return;
    }
    attempts.succeeded(req.remote_addr);
    res.set_header("Set-Cookie",
                   fmt::format("{}={}; Path=/; Max-Age={}; HttpOnly; Secure; SameSite=Strict",
                               kSessionCookie, *session_cookie, kSessionCookieSeconds));
    reply(res, 200, {{"status", "ok"}});
  }

  void routes() {
    const auto get = [this](void (Impl::*handle)(const Request&, Response&)) {
      return [this, handle](const Request& req, Response& res) { (this->*handle)(req, res); };
    };
    const auto read =
        [this](void (Impl::*handle)(const Request&, Response&, const ContentReader&)) {
          return [this, handle](const Request& req, Response& res, const ContentReader& reader) {
            (this->*handle)(req, res, reader);
          };
        };
    server.Get("/", get(&Impl::get_page));
    serve_page_files(server);
    server.Get("/api/config", get(&Impl::get_config));
    server.Get("/api/health", get(&Impl::get_health));
    server.Post("/api/analyze", read(&Impl::post_analyze));
    server.Get("/api/recommend", get(&Impl::get_recommend));
    server.Post("/api/feedback", read(&Impl::post_feedback));
    server.Get("/api/history", get(&Impl::get_history));
    server.Delete("/api/history", get(&Impl::delete_history));
    server.Post("/api/spotify/playlist", read(&Impl::post_spotify_playlist));
    if (session_cookie) server.Post("/api/session", read(&Impl::post_session));
  }

  void handlers() {
    server.set_pre_routing_handler([this](const Request& req, Response& res) {
      const auto refusal = guard.refusal(req);
      if (!refusal) return HandlerResponse::Unhandled;
      reply_error(res, refusal->first, refusal->second);
      return HandlerResponse::Handled;
    });
    server.set_exception_handler([](const Request& req, Response& res, std::exception_ptr ep) {
      try {
        std::rethrow_exception(ep);
      } catch (const PayloadTooLarge& e) {
        reply_error(res, 413, e.what());
      } catch (const UnsupportedMediaType& e) {
        reply_error(res, 415, e.what());
      } catch (const Error& e) {
        const int status = http_status(e.kind());
        if (status != 500) {
          reply_error(res, status, e.what());
          return;
        }
        spdlog::error("{} {}: {}", req.method, req.path, e.what());
        reply_error(res, 500, std::string("internal error: ") + e.what());
      } catch (const std::exception& e) {
        spdlog::error("{} {}: {}", req.method, req.path, e.what());
        reply_error(res, 500, std::string("internal error: ") + e.what());
      } catch (...) {
        reply_error(res, 500, "internal error");
      }
    });
    // httplib's own refusals (413 over the payload limit, 404, 400 for a malformed request)
    // come with an empty body: give them the JSON form too. A body that ran past the limit on a
    // route that does not read bodies is a 413 too, not the 400 of a failed read.
    server.set_error_handler(
        httplib::Server::HandlerWithResponse([](const Request&, Response& res) {
          if (!res.body.empty()) return HandlerResponse::Unhandled;
          if (BoundedHttpServer::body_over_limit()) res.status = 413;
          std::string message = fmt::format("HTTP error {}", res.status);
          if (res.status == 413) {
            message = body_too_large_message();
          } else if (res.status == 404) {
            message = "no such endpoint";
          } else if (res.status == 400) {
            message = "malformed HTTP request";
          }
          reply_error(res, res.status, message);
          return HandlerResponse::Handled;
        }));
  }
};

WebServer::WebServer(WebServerOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {
  impl_->handlers();
  impl_->routes();
}

WebServer::~WebServer() {
  stop();
}

int WebServer::bind() {
  auto& d = *impl_;
  if (d.options.port == 0) {
    d.port = d.server.bind_to_any_port(d.options.host);
  } else if (d.server.bind_to_port(d.options.host, d.options.port)) {
    d.port = d.options.port;
  } else {
    d.port = -1;
  }
  if (d.port <= 0) {
    throw UnavailableError(fmt::format("cannot listen on {}:{} (in use, or no such address)",
                                       d.options.host, d.options.port));
  }
  d.guard.set_port(d.port);
  return d.port;
}

void WebServer::run(const CancelToken& cancel) {
  std::atomic<bool> done{false};
  // httplib's accept loop knows nothing of tokens: a watcher turns a cancellation into stop().
  std::thread watcher([this, &done, cancel] {
    while (!done) {
      if (cancel.cancelled()) stop();
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  });
  impl_->server.listen_after_bind();
  done = true;
  watcher.join();
  // A last try for the moods that settled while the history was locked (the history makes
  // another, and says what is lost, when the server is gone).
  impl_->history().write_pending_moods();
}

void WebServer::stop() {
  if (impl_ && impl_->server.is_running()) impl_->server.stop();
}

std::string WebServer::url() const {
  const auto& d = *impl_;
  std::string host = d.options.host;
  if (d.certificate && is_every_address(host)) {
    // What a phone on the network opens: the first address that is not this machine's loopback.
    host = "127.0.0.1";
    for (const std::string& address : machine_addresses()) {
      if (address.rfind("127.", 0) != 0 && address != "::1") {
        host = address;
        break;
      }
    }
  }
  if (host.find(':') != std::string::npos) host = "[" + host + "]";
  return fmt::format("{}://{}:{}/", d.certificate ? "https" : "http", host, d.port);
}

std::string WebServer::access_url() const {
  return impl_->certificate ? url() + "#k=" + impl_->secret : url();
}

const std::optional<ServerCertificate>& WebServer::certificate() const {
  return impl_->certificate;
}

const std::string& WebServer::token() const {
  return impl_->token;
}

}  // namespace emomusic::session
