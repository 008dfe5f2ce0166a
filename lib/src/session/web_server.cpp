#include "emomusic/session/web_server.hpp"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <httplib.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <charconv>
#include <chrono>
#include <deque>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <thread>

#include "bounded_http_server.hpp"
#include "emomusic/core/error.hpp"
#include "emomusic/core/text.hpp"
#include "emomusic/music/candidates.hpp"
#include "emomusic/music/mood_history.hpp"
#include "emomusic/music/mood_mapping.hpp"
#include "emomusic/music/track.hpp"
#include "emomusic/session/face_analysis.hpp"
#include "emomusic/session/mood_record.hpp"
#include "emomusic/session/playlist.hpp"
#include "emomusic/session/web_config.hpp"
#include "emomusic/session/web_limits.hpp"
#include "emomusic_web_page.hpp"
#include "web_assets.hpp"
#ifdef EMOMUSIC_WITH_SPOTIFY
#include "emomusic/music/spotify/client.hpp"
#include "emomusic/music/spotify/token_store.hpp"
#endif

namespace emomusic::session {
namespace {

using Request = httplib::Request;
using Response = httplib::Response;
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

// A bad request found while handling one: answered 400 with the message, like a UsageError.
struct BadRequest : UsageError {
  using UsageError::UsageError;
};
// A body over kMaxUploadBytes: 413.
struct PayloadTooLarge : UsageError {
  using UsageError::UsageError;
};
// A body in a form the route does not read: 415.
struct UnsupportedMediaType : UsageError {
  using UsageError::UsageError;
};

std::string body_too_large_message() {
  return fmt::format("the body is larger than the limit of {} bytes", kMaxUploadBytes);
}

// The whole body, counted against kMaxUploadBytes as it arrives (chunked or not), whatever its
// Content-Type: curl's --data-binary says application/x-www-form-urlencoded, and a script may
// say nothing at all.
std::string read_body(const Request& req, Response& res, const httplib::ContentReader& read) {
  if (req.is_multipart_form_data()) {
    throw UnsupportedMediaType(
        "send the bytes themselves as the body (e.g. Content-Type: image/jpeg or "
        "application/json), not a multipart form");
  }
  std::string body;
  bool too_large = false;
  const bool complete = read([&](const char* data, std::size_t n) {
    if (n > kMaxUploadBytes - body.size()) {
      too_large = true;
      return false;
    }
    body.append(data, n);
    return true;
  });
  // httplib says 413 itself for a Content-Length over the limit.
  if (too_large || res.status == 413 || BoundedHttpServer::body_over_limit()) {
    throw PayloadTooLarge(body_too_large_message());
  }
  if (!complete) {
    throw BadRequest("the body stopped early or its chunks are malformed");
  }
  return body;
}

// Headers that must come once: a second Host or Origin could pass a check made on the first
// and be read elsewhere as the real one, and a length beside chunked encoding lets two readers
// disagree on where the body ends (request smuggling).
void check_single_headers(const Request& req) {
  for (const char* name : {"Host", "Origin", "Content-Length", "Transfer-Encoding", "Content-Type",
                           "X-Emomusic-Token"}) {
    const std::size_t count = req.get_header_value_count(name);
    if (count > 1) {
      throw BadRequest(fmt::format("the request has {} {} headers; send one", count, name));
    }
  }
  if (req.has_header("Content-Length") && req.has_header("Transfer-Encoding")) {
    throw BadRequest("the request has both Content-Length and Transfer-Encoding; send one");
  }
}

std::string param(const Request& req, const char* name) {
  return req.has_param(name) ? req.get_param_value(name) : std::string();
}

int int_param(const Request& req, const char* name, int fallback, int lo, int hi) {
  if (!req.has_param(name)) return fallback;
  const std::string& text = req.get_param_value(name);
  int value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < lo || value > hi) {
    throw BadRequest(fmt::format("parameter {} must be a whole number from {} to {}, not \"{}\"",
                                 name, lo, hi, excerpt(text)));
  }
  return value;
}

bool bool_param(const Request& req, const char* name) {
  if (!req.has_param(name)) return false;
  const std::string& text = req.get_param_value(name);
  if (text.empty() || text == "1" || text == "true") return true;
  if (text == "0" || text == "false") return false;
  throw BadRequest(
      fmt::format("parameter {} must be true, false, 1 or 0, not \"{}\"", name, excerpt(text)));
}

// Session ids come from the page: short, printable, so they can never grow the server's memory.
std::string session_id(const Request& req) {
  if (!req.has_param("session")) return "default";
  const std::string& id = req.get_param_value("session");
  const bool ok =
      !id.empty() && id.size() <= 64 && std::all_of(id.begin(), id.end(), [](unsigned char c) {
        return std::isalnum(c) || c == '-' || c == '_';
      });
  if (!ok) {
    throw BadRequest("parameter session must be 1 to 64 letters, digits, '-' or '_', not \"" +
                     excerpt(id) + "\"");
  }
  return id;
}

bool spotify_login_present(const std::optional<WebSpotify>& spotify) {
#ifdef EMOMUSIC_WITH_SPOTIFY
  if (!spotify) return false;
  try {
    return spotify::load_user_tokens(spotify->config.token_path).has_value();
  } catch (const std::exception&) {
    return false;
  }
#else
  (void)spotify;
  return false;
#endif
}

nlohmann::json object_body(const std::string& text) {
  nlohmann::json body;
  try {
    body = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    throw BadRequest("the body is not JSON (" + std::string(e.what()) + "): \"" + excerpt(text) +
                     "\"");
  }
  if (!body.is_object()) throw BadRequest("the body must be a JSON object");
  return body;
}

std::string string_field(const nlohmann::json& body, const char* field) {
  const auto it = body.find(field);
  if (it == body.end() || !it->is_string()) {
    throw BadRequest(std::string("field ") + field + " must be a string");
  }
  return it->get<std::string>();
}

std::vector<std::string> string_array_field(const nlohmann::json& body, const char* field) {
  std::vector<std::string> out;
  const auto it = body.find(field);
  if (it == body.end()) return out;
  const std::string wrong = std::string("field ") + field + " must be an array of strings";
  if (!it->is_array()) throw BadRequest(wrong);
  for (const auto& value : *it) {
    if (!value.is_string()) throw BadRequest(wrong);
    out.push_back(value.get<std::string>());
  }
  return out;
}

// Spotify's playlist names are short; a page never sends more, a script must not store a book.
constexpr std::size_t kMaxPlaylistName = 200;
// recommend's largest playlist.
constexpr std::size_t kMaxSavedTracks = 1000;

}  // namespace

std::string random_token() {
  std::random_device device;
  std::string token;
  for (int i = 0; i < 4; ++i) token += fmt::format("{:08x}", device());
  return token;
}

struct WebServer::Impl {
  WebServerOptions options;
  std::string token = random_token();
  FaceAnalyzer analyzer;
  music::MoodMapping mapping;
  music::Candidates candidates;
  MoodSessions sessions;
  std::filesystem::path history_path;
  std::once_flag history_once;
  std::unique_ptr<music::MoodHistory> history;
  std::string page;
  BoundedHttpServer server;
  int port = 0;
  std::set<std::string> hosts;  ///< the Host values this server answers to
  std::mutex pending_mutex;
  std::deque<music::MoodEntry> pending_moods;  ///< settled, not yet written (history locked)
  std::mutex pending_writer;                   ///< held by the one request writing them
#ifdef EMOMUSIC_WITH_SPOTIFY
  std::mutex spotify_mutex;
  std::unique_ptr<spotify::SpotifyClient> spotify_client;  ///< made on first use
#endif

  explicit Impl(WebServerOptions o)
      : options(std::move(o)),
        analyzer(options.classifier),
        mapping(options.mapping.empty() ? music::MoodMapping::load_default()
                                        : music::MoodMapping::load(options.mapping)),
        candidates(music::load_candidates(options.catalog)),
        sessions(options.max_sessions),
        history_path(!options.keep_history     ? music::kInMemoryHistory
                     : options.history.empty() ? music::default_history_path()
                                               : options.history),
        server(options.threads, options.head_timeout_s, options.read_timeout_s,
               options.write_timeout_s) {
    // A file that is not a history (another program's database, a catalog) fails now, as
    // `history` does, rather than every request later; one that does not exist yet is made on
    // the first write.
    if (!history_in_memory() && std::filesystem::exists(history_path)) {
      const music::MoodHistory check(history_path, music::MoodHistory::Mode::kReadOnly);
    }
    page.assign(reinterpret_cast<const char*>(kEmomusicWebPage), kEmomusicWebPage_size);
    for (auto at = page.find(kTokenPlaceholder); at != std::string::npos;
         at = page.find(kTokenPlaceholder, at + token.size())) {
      page.replace(at, std::string_view(kTokenPlaceholder).size(), token);
    }
  }

  // Opened on the first write (or, in memory, the first use), so that a server that records
  // nothing creates no file.
  music::MoodHistory& writable_history() {
    std::call_once(history_once,
                   [this] { history = std::make_unique<music::MoodHistory>(history_path); });
    return *history;
  }

  bool history_in_memory() const {
    return history_path == music::kInMemoryHistory;
  }

  // A settled mood is queued, then written with the ones before it; when another program holds
  // the history locked, it waits for a later request (or the server's stop), so that a mood the
  // page was told settled is never lost.
  void record_mood(const music::MoodEntry& entry) {
    {
      std::lock_guard lock(pending_mutex);
      if (pending_moods.size() >= kMaxPendingMoods) {
        spdlog::warn("the history {} stayed locked for {} settled moods: the oldest is dropped",
                     history_path.string(), kMaxPendingMoods);
        pending_moods.pop_front();
      }
      pending_moods.push_back(entry);
    }
    write_pending_moods();
  }

  // One request at a time writes the queue, oldest first; the others go on without waiting for
  // a lock held elsewhere.
  void write_pending_moods() {
    std::unique_lock writer(pending_writer, std::try_to_lock);
    if (!writer) return;
    for (;;) {
      music::MoodEntry entry;
      {
        std::lock_guard lock(pending_mutex);
        if (pending_moods.empty()) return;
        entry = pending_moods.front();
      }
      try {
        writable_history().record(entry);
      } catch (const UnavailableError& e) {
        spdlog::warn("{} settled moods wait to be written: {}", pending_size(), e.what());
        return;
      } catch (...) {
        // Not a lock that will go: this mood cannot be written, and must not block the others.
        drop_first_pending();
        throw;
      }
      drop_first_pending();
    }
  }

  void drop_first_pending() {
    std::lock_guard lock(pending_mutex);
    pending_moods.pop_front();
  }

  std::size_t pending_size() {
    std::lock_guard lock(pending_mutex);
    return pending_moods.size();
  }

  // Readers never create the file; a history in memory exists once the server does.
  music::HistoryReport history_report(int days) {
    const auto now = music::utc_now();
    return history_in_memory() ? writable_history().report(days, now)
                               : music::read_history(history_path, days, now);
  }

  // Through the server's own handle, whose mutex serialises it with the server's writes; a
  // missing file stays missing.
  music::ClearedCounts clear_history() {
    return history_in_memory() || std::filesystem::exists(history_path) ? writable_history().clear()
                                                                        : music::ClearedCounts{};
  }

  // Runs `use` with the server's Spotify client under its lock; false when there is none.
  template <class F>
  bool with_spotify(F&& use) {
#ifdef EMOMUSIC_WITH_SPOTIFY
    if (!options.spotify) return false;
    std::lock_guard lock(spotify_mutex);
    if (!spotify_client) {
      spotify_client = std::make_unique<spotify::SpotifyClient>(options.spotify->config,
                                                                options.spotify->credentials);
    }
    use(*spotify_client);
    return true;
#else
    (void)use;
    return false;
#endif
  }

  bool bound_to_every_address() const {
    return options.host == "0.0.0.0" || options.host == "::";
  }

  // Whether a Host header names this server: one of `hosts`, or, when bound to every address,
  // any IP literal with this port (machines on the network use the server's LAN address; DNS
  // rebinding needs a name, never an IP literal).
  bool is_own_host(const std::string& host) const {
    if (hosts.count(host) != 0) return true;
    if (!bound_to_every_address()) return false;
    const auto colon = host.rfind(':');
    if (colon == std::string::npos || host.substr(colon + 1) != std::to_string(port)) {
      return false;
    }
    const std::string address = host.substr(0, colon);
    unsigned char parsed[sizeof(in6_addr)];
    if (address.size() > 2 && address.front() == '[' && address.back() == ']') {
      return ::inet_pton(AF_INET6, address.substr(1, address.size() - 2).c_str(), parsed) == 1;
    }
    return ::inet_pton(AF_INET, address.c_str(), parsed) == 1;
  }

  HandlerResponse guard(const Request& req, Response& res) const {
    try {
      check_single_headers(req);
    } catch (const BadRequest& e) {
      reply_error(res, 400, e.what());
      return HandlerResponse::Handled;
    }
    const std::string host = req.get_header_value("Host");
    if (!is_own_host(host)) {
      reply_error(
          res, 403,
          "this server answers only to Host " + *hosts.begin() + ", not \"" + excerpt(host) + "\"");
      return HandlerResponse::Handled;
    }
    // The page's own requests carry its origin, which is the Host it was loaded from; another
    // page (even one on another IP address with this port) has another origin.
    if (req.has_header("Origin")) {
      const std::string origin = req.get_header_value("Origin");
      const bool own = origin == "http://" + host ||
                       (origin.rfind("http://", 0) == 0 && hosts.count(origin.substr(7)) != 0);
      if (!own) {
        reply_error(res, 403, "requests from origin \"" + excerpt(origin) + "\" are refused");
        return HandlerResponse::Handled;
      }
    }
    if (req.method != "GET" && req.method != "HEAD" &&
        req.get_header_value("X-Emomusic-Token") != token) {
      reply_error(res, 403, "this request needs the header X-Emomusic-Token of the page");
      return HandlerResponse::Handled;
    }
    return HandlerResponse::Unhandled;
  }

  void routes() {
    server.Get("/", [this](const Request&, Response& res) {
      set_page_headers(res);
      res.set_content(page, "text/html; charset=utf-8");
    });
    serve_page_files(server);
    server.Get("/api/config",
               [this](const Request&, Response& res) { reply(res, 200, web_config(mapping)); });
    server.Get("/api/health", [this](const Request&, Response& res) {
      reply(res, 200,
            {{"status", "ok"},
             {"version", options.version},
             {"history_kept", options.keep_history},
             {"spotify", options.spotify.has_value()},
             {"spotify_login", spotify_login_present(options.spotify)}});
    });
    server.Post("/api/analyze", [this](const Request& req, Response& res,
                                       const httplib::ContentReader& read) {
      const std::string id = session_id(req);
      const std::string image = read_body(req, res, read);
      if (image.empty()) throw BadRequest("the request has no image (empty body)");
      const FrameAnalysis analysis = sessions.analyse(id, analyzer, image, "the uploaded image");
      if (analysis.settled && analysis.settled->changed) {
        record_mood(
            settled_mood_entry(analysis.settled->emotion, analysis.settled->confidence, "page"));
      } else {
        write_pending_moods();
      }
      reply(res, 200, to_json(analysis));
    });
    server.Get("/api/recommend", [this](const Request& req, Response& res) {
      PlaylistRequest r;
      if (!req.has_param("emotion")) throw BadRequest("parameter emotion is missing");
      r.emotion = emotion_from_string(req.get_param_value("emotion"));
      if (req.has_param("mode")) {
        r.strategy = music::strategy_from_string(req.get_param_value("mode"));
      }
      r.target = param(req, "target");
      r.steps = int_param(req, "steps", r.steps, kStepsRange.lo, kStepsRange.hi);
      r.limit = int_param(req, "limit", r.limit, kLimitRange.lo, kLimitRange.hi);
      r.filter.genre = param(req, "genre");
      r.filter.artist = param(req, "artist");
      if (req.has_param("years")) r.filter.set_years(req.get_param_value("years"));
      r.filter.no_explicit = bool_param(req, "no_explicit");
      if (req.has_param("seed")) {
        r.seed = static_cast<std::uint64_t>(int_param(req, "seed", 0, 0, 2'000'000'000));
      }
      if (history_in_memory()) {
        r.feedback = writable_history().feedback(r.emotion);
      } else {
        r.history = history_path;
      }
      // Ranked without the Spotify lock: only a playlist the catalog cannot fill waits for it.
      Playlist playlist = rank_playlist(r, mapping, candidates);
      if (needs_top_up(playlist, r)) {
        with_spotify([&](spotify::SpotifyClient& c) { top_up_playlist(playlist, r, c); });
      }
      if (!playlist.spotify_failure.empty()) {
        spdlog::warn("could not add tracks from Spotify: {}", playlist.spotify_failure);
      }
      require_tracks(playlist);
      reply(res, 200, to_json(playlist));
    });
    server.Post("/api/feedback",
                [this](const Request& req, Response& res, const httplib::ContentReader& read) {
                  const nlohmann::json body = object_body(read_body(req, res, read));
                  music::FeedbackEntry entry;
                  entry.track_id = string_field(body, "track_id");
                  entry.emotion = emotion_from_string(string_field(body, "emotion"));
                  entry.kind = music::feedback_kind_from_string(string_field(body, "kind"));
                  entry.artists = string_array_field(body, "artists");
                  entry.time = music::utc_now();
                  writable_history().record_feedback(entry);
                  reply(res, 200, {{"status", "ok"}});
                });
    server.Get("/api/history", [this](const Request& req, Response& res) {
      const int days =
          int_param(req, "days", 7, music::kHistoryDaysRange.lo, music::kHistoryDaysRange.hi);
      write_pending_moods();
      reply(res, 200, history_report(days).to_json());
    });
    server.Delete("/api/history", [this](const Request&, Response& res) {
      const music::ClearedCounts cleared = clear_history();
      spdlog::info("cleared the history: {} moods, {} likes and skips", cleared.moods,
                   cleared.feedback);
      reply(res, 200, music::to_json(cleared));
    });
    server.Post("/api/spotify/playlist", [this](const Request& req, Response& res,
                                                const httplib::ContentReader& read) {
      const nlohmann::json body = object_body(read_body(req, res, read));
      const std::string name(trim_whitespace(string_field(body, "name")));
      if (name.empty() || name.size() > kMaxPlaylistName) {
        throw BadRequest(fmt::format("field name must hold 1 to {} bytes of text, not \"{}\"",
                                     kMaxPlaylistName, excerpt(name)));
      }
      std::vector<std::string> ids = string_array_field(body, "track_ids");
      if (ids.empty() || ids.size() > kMaxSavedTracks) {
        throw BadRequest(fmt::format("field track_ids must hold 1 to {} track ids, not {}",
                                     kMaxSavedTracks, ids.size()));
      }
      for (std::size_t i = 0; i < ids.size(); ++i) {
        const auto id = music::normalize_track_id(ids[i]);
        if (!id) {
          throw BadRequest(fmt::format("field track_ids[{}] is not a Spotify track id: \"{}\"", i,
                                       excerpt(ids[i])));
        }
        ids[i] = *id;
      }
      std::string description = "Made by emomusic";
      if (body.contains("emotion")) {
        const Emotion emotion = emotion_from_string(string_field(body, "emotion"));
        description += fmt::format(" for a {} mood", to_string(emotion));
      }
      SavedPlaylist saved;
      const bool has_spotify = with_spotify(
          [&](spotify::SpotifyClient& c) { saved = save_to_spotify(c, name, ids, description); });
      if (!has_spotify) {
        throw UnavailableError(
            "this server has no Spotify: set the app's credentials and run `emomusic login`, "
            "then start it again");
      }
      spdlog::info("saved the Spotify playlist \"{}\" ({} tracks): {}", name, saved.tracks_added,
                   saved.url);
      reply(res, 200, to_json(saved));
    });
  }

  void handlers() {
    server.set_pre_routing_handler(
        [this](const Request& req, Response& res) { return guard(req, res); });
    server.set_exception_handler([](const Request& req, Response& res, std::exception_ptr ep) {
      try {
        std::rethrow_exception(ep);
      } catch (const PayloadTooLarge& e) {
        reply_error(res, 413, e.what());
      } catch (const UnsupportedMediaType& e) {
        reply_error(res, 415, e.what());
      } catch (const UsageError& e) {
        reply_error(res, 400, e.what());
      } catch (const InputError& e) {
        reply_error(res, 400, e.what());
      } catch (const NotFoundError& e) {
        reply_error(res, 404, e.what());
      } catch (const UnavailableError& e) {
        reply_error(res, 503, e.what());
      } catch (const ServiceError& e) {
        reply_error(res, 502, e.what());
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
  const std::string port = ":" + std::to_string(d.port);
  d.hosts = {d.options.host + port, "127.0.0.1" + port, "localhost" + port};
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
  // A last try for the moods that settled while the history was locked.
  impl_->write_pending_moods();
  if (const std::size_t lost = impl_->pending_size(); lost > 0) {
    spdlog::error("{} settled moods could not be written: the history {} is still locked", lost,
                  impl_->history_path.string());
  }
}

void WebServer::stop() {
  if (impl_ && impl_->server.is_running()) impl_->server.stop();
}

std::string WebServer::url() const {
  // Bound to every address, the server is still this machine's: the loopback URL always works,
  // and a browser allows the camera there without HTTPS.
  const std::string host = impl_->bound_to_every_address() ? "127.0.0.1" : impl_->options.host;
  return fmt::format("http://{}:{}/", host, impl_->port);
}

const std::string& WebServer::token() const {
  return impl_->token;
}

}  // namespace emomusic::session
