#pragma once
/// @file
/// The local web server behind `emomusic serve`: the embedded page (web/index.html, web/app.js,
/// web/style.css) and a JSON API, a thin HTTP layer (routing, the Host/Origin/token check,
/// reading requests and writing JSON) over the session services: FaceAnalyzer and MoodSessions
/// (face_analysis.hpp) and the Recommender with its listener's history (recommender.hpp).
///
/// Endpoints (errors are {"error": "…"} with a 4xx status; the server keeps serving):
///   GET  /                 the page, with {{EMOMUSIC_TOKEN}} replaced by this start's token
///   GET  /app.js, /style.css       the page's script and style sheet
///   GET  /manifest.webmanifest, /icon.svg, /icon-192.png, /icon-512.png   its web app manifest
///                          and icons (web_assets.hpp)
///   GET  /api/config       what the page shows by default: the emotions, each one's default
///                          mode and target in the mapping, the settings' bounds (web_config.hpp)
///   GET  /api/health       {"status": "ok", "version", "history_kept": bool, "spotify": bool,
///                          "spotify_login": bool}
///   POST /api/analyze?session=ID   image bytes (JPEG, PNG, …; any Content-Type) → FrameAnalysis
///   GET  /api/recommend?emotion=&mode=&target=&steps=&limit=&genre=&artist=&years=&no_explicit=
///        &language=&seed=   → the playlist as `recommend -f json` prints it; language is a
///        code or name as music::TrackFilter::set_language() reads it
///   POST /api/feedback     {"track_id", "artists": […], "emotion", "kind": "like"|"skip"}
///   GET  /api/history?days=N       the HistoryReport JSON
///   DELETE /api/history            removes every mood, like and skip: {"moods", "feedback"}
///   POST /api/spotify/playlist     {"name", "track_ids": […], "emotion"?} → saves them as a
///        private playlist in the logged-in user's account: {"id", "url", "tracks_added", …};
///        503 when this server has no Spotify, 502 when Spotify fails
///   POST /api/session      beyond loopback only: {"secret"} → the session cookie (below)
///
/// With Spotify set up, a playlist the catalog cannot fill is topped up from Spotify, as
/// `recommend` does.
///
/// Security: a request whose Host is not this server's own host:port (127.0.0.1, localhost or
/// the bound host; bound to 0.0.0.0 or ::, also any IP literal with this port, so that other
/// machines can use its LAN address) gets 403, since DNS rebinding needs a name. So does one with
/// an Origin other than http:// (beyond loopback https://) + the Host it was sent to or another
/// of those names (no cross-site calls). Every POST and DELETE needs the header X-Emomusic-Token
/// equal to the token (32 hex characters from std::random_device, new each start), which only
/// the page carries. The page and its files come with a Content-Security-Policy that runs only its
/// own script and style sheet, lets it talk only to this server and frame only Spotify's player
/// (https://open.spotify.com), and are never cached, sniffed or framed. A request with two Host,
/// Origin, Content-Length, Transfer-Encoding, Content-Type or token headers, or with both
/// Content-Length and Transfer-Encoding, gets 400.
///
/// Beyond loopback (a host other than 127.0.0.1, ::1 and localhost: is_loopback_host()), the
/// server speaks only TLS, with the user's certificate or its own self-signed one
/// (tls_certificate.hpp), and lets in only those who know the installation's access secret
/// (access_secret.hpp), which access_url() carries in its fragment (never sent in a request, so
/// never in a log or a Referer). The page, its files and POST /api/session are served to anyone
/// (they hold nothing private; the page needs them to get in); every other /api/ route needs the
/// session cookie, else 401. The page takes the secret out of its address (and so the history)
/// and sends it to POST /api/session, which compares it in constant time and answers with the
/// cookie (HttpOnly, Secure, SameSite=Strict, 400 days). A wrong secret is 403 and logged with the
/// client's address (never the secret); after kMaxSecretFailures in a row an address gets 429 for
/// kSecretLockout. The limits below hold over TLS too (the handshake counts as part of the head).
/// On loopback there is no TLS and no secret: anyone who can reach 127.0.0.1 is this machine's.
///
/// Limits (web_limits.hpp): each connection carries one request. Its line and headers must come
/// within head_timeout_s (408) in at most kMaxHeadBytes and kMaxHeaderLines (431); a body, chunked
/// or not and of any Content-Type but a multipart form (415), at most kMaxUploadBytes (413); an
/// image at most kMaxUploadPixels (400). Clients slow to send their headers wait on at most
/// threads − 1 workers, so one is always free for the others.
///
/// Moods that settle while another program holds the history locked are kept (at most
/// kMaxPendingMoods, listener_history.hpp) and written by a later request once it is free, or
/// when the server stops.
///
/// Thread safety: requests run on a fixed pool of `threads` workers. The model is one
/// FaceAnalyzer (one inference at a time, under its mutex); MoodSessions and the Recommender
/// serialise what they must themselves (recommender.hpp). stop() may be called from any thread.
/// Measured on 2 cores with the shipped model and a 256×256 JPEG: 16 analyses one after
/// another 1.04 s, 16 at once 0.77 s (decoding overlaps, inference queues).

#include <cstddef>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "emomusic/core/cancel.hpp"
#include "emomusic/core/value_range.hpp"
#include "emomusic/session/recommender.hpp"
#include "emomusic/session/tls_certificate.hpp"
#include "emomusic/session/web_limits.hpp"
#include "emomusic/vision/face_classifier.hpp"

namespace emomusic::session {

/// user_config_dir()/serve: where a server keeps its own certificate and the access secret.
std::filesystem::path default_secrets_dir();

/// Request workers a server may run (WebServerOptions::threads).
inline constexpr ValueRange<int> kWorkerThreadsRange{1, 64};

struct WebServerOptions {
  std::string host = "127.0.0.1";
  int port = 8080;  ///< 0: any free port (bind() returns it)
  vision::FaceClassifierOptions classifier;
  /// The catalog, mapping, history and Spotify behind the page. Without a kept history, the page
  /// shows (and the ranking uses) the moods, likes and skips of this run only.
  RecommenderOptions recommender;
  std::string version;  ///< reported by /api/health
  int threads = 8;      ///< request workers
  std::size_t max_sessions = 16;
  int head_timeout_s = kHeadTimeoutSeconds;  ///< for each request's line and headers
  int read_timeout_s = 10;                   ///< for each read of a body
  int write_timeout_s = 10;
  /// Beyond loopback: the user's certificate and key; without them, own_certificate() in
  /// secrets_dir.
  std::optional<TlsFiles> tls;
  /// Beyond loopback: where the own certificate and the access secret are kept (created 0700).
  std::filesystem::path secrets_dir = default_secrets_dir();
  /// Beyond loopback: a new access secret instead of the stored one (signs every phone out).
  bool new_secret = false;
};

class WebServer {
 public:
  /// Loads the model (ModelError), the Recommender (its files: InputError) and, beyond
  /// loopback, the certificate (a given pair that cannot be read or does not match: InputError)
  /// and the access secret at once, so that a bad file fails before anything listens.
  explicit WebServer(WebServerOptions options);
  ~WebServer();
  WebServer(const WebServer&) = delete;
  WebServer& operator=(const WebServer&) = delete;

  /// Binds host:port and returns the port. Throws UnavailableError when it cannot (in use, no
  /// such address).
  int bind();
  /// Serves until stop() or until `cancel` is cancelled (seen within 0.1 s; e.g. Ctrl-C through
  /// interrupt_token()). Call bind() first.
  void run(const CancelToken& cancel = {});
  /// Makes run() return; safe from any thread.
  void stop();

  /// http://host:port/ once bound; http://127.0.0.1:port/ when bound to every address. Beyond
  /// loopback https://host:port/, and bound to every address the first of machine_addresses()
  /// that is not a loopback one (what a phone on the network opens).
  std::string url() const;
  /// url() with the access secret: url() + "#k=SECRET" beyond loopback, url() on it. A
  /// credential: for the user, never for a log.
  std::string access_url() const;
  /// Beyond loopback, the certificate served; nullopt on loopback.
  const std::optional<ServerCertificate>& certificate() const;
  /// The token the page carries for writes.
  const std::string& token() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// 32 lowercase hex characters from std::random_device.
std::string random_token();

}  // namespace emomusic::session
