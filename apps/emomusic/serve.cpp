#include "serve.hpp"

#include <spawn.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <iostream>
#include <memory>

#include "classifier_options.hpp"
#include "emomusic/core/error.hpp"
#include "emomusic/core/interrupt.hpp"
#include "emomusic/session/web_server.hpp"
#include "ml_commands.hpp"
#include "option_range.hpp"
#include "terminal_qr.hpp"

extern char** environ;

namespace emomusic::app {

namespace {

session::TlsFiles& tls_files(ServeOptions& options) {
  if (!options.server.tls) options.server.tls.emplace();
  return *options.server.tls;
}

void report_certificate(const session::ServerCertificate& certificate) {
  if (certificate.made_because) {
    spdlog::info("made a new self-signed certificate {} ({})", certificate.files.cert.string(),
                 *certificate.made_because);
  }
  spdlog::info(
      "TLS certificate SHA-256 fingerprint {} (a phone that warns about the certificate shows "
      "it: accept only this one)",
      certificate.fingerprint);
  spdlog::info(
      "open the address below on the phone (or scan the QR code); its #k= part is the access "
      "secret");
}

}  // namespace

void setup_serve(CLI::App& app, Command& command) {
  auto options = std::make_shared<ServeOptions>();
  auto& server = options->server;
  auto* sub = &app;
  add_description(
      app,
      "Beyond loopback (any --host but 127.0.0.1, ::1 and localhost, e.g. 0.0.0.0 for a phone "
      "on the network) the page is served over HTTPS, with a self-signed certificate made on "
      "first use (its fingerprint is printed) unless --tls-cert/--tls-key give one, and only to "
      "those who open the printed address: its #k= part is the installation's access secret, "
      "also shown as a QR code when standard error is a terminal.\n"
      "Exit codes: 0 stopped by Ctrl-C or SIGTERM, 3 unreadable catalog, mapping or Spotify "
      "credentials file, a history file that is not a history, or a TLS certificate and key "
      "that cannot be read or do not match, 4 bad model, 8 the address cannot be bound "
      "(another server on the port).");
  sub->add_option("--host", server.host,
                  "Address to listen on; anything but 127.0.0.1, ::1 and localhost serves HTTPS "
                  "to those who have the printed address with its access secret")
      ->capture_default_str();
  sub->add_option("--port", server.port, "Port to listen on; 0 picks a free one")
      ->capture_default_str()
      ->check(in_range(kPortRange));
  auto* tls_cert = sub->add_option_function<std::string>(
      "--tls-cert", [options](const std::string& file) { tls_files(*options).cert = file; },
      "PEM certificate (and chain) to serve beyond loopback instead of the self-signed one");
  auto* tls_key = sub->add_option_function<std::string>(
      "--tls-key", [options](const std::string& file) { tls_files(*options).key = file; },
      "PEM private key (without a passphrase) of --tls-cert");
  tls_cert->needs(tls_key);
  tls_key->needs(tls_cert);
  sub->add_flag("--new-secret", server.new_secret,
                "Beyond loopback: replace the stored access secret with a new one (every phone "
                "must open the new address)");
  sub->add_option("--model", server.classifier.models, "Emotion model (repeat: an ensemble)");
  add_prior_power_option(*sub, server.classifier.prior_power);
  sub->add_option_function<std::string>(
      "--catalog",
      [options](const std::string& file) {
        if (!file.empty()) options->server.recommender.catalog = file;
      },
      "Catalog file (default: $XDG_DATA_HOME/emomusic/catalog.db)");
  auto* history_db = sub->add_option("--history-db", server.recommender.history,
                                     "History file for moods, likes and skips (default: "
                                     "$XDG_DATA_HOME/emomusic/history.db)");
  sub->add_flag_callback(
         "--no-history", [&server] { server.recommender.keep_history = false; },
         "Keep nothing on disk: moods, likes and skips last until the server stops")
      ->excludes(history_db);
  sub->add_flag("--open", options->open, "Open the page in the default browser (xdg-open)");
  sub->add_option("--threads", server.threads, "Request workers")
      ->capture_default_str()
      ->check(in_range(session::kWorkerThreadsRange));
  sub->add_flag("--no-spotify", options->no_spotify,
                "Stay offline even when Spotify credentials are set (they fill playlists the "
                "catalog cannot, and \"Save to Spotify\" needs them and `emomusic login`)");
#ifdef EMOMUSIC_WITH_SPOTIFY
  add_spotify_options(*sub, options->spotify);
#endif
  sub->footer(
      "Examples:\n"
      "  emomusic serve                        # http://127.0.0.1:8080/ ; Ctrl-C stops it\n"
      "  emomusic serve --port 0 --open        # a free port (printed), opened in the browser\n"
      "  emomusic serve --catalog my.db --no-history --no-spotify\n"
      "  emomusic serve --host 0.0.0.0         # for a phone: https://LAN-ADDRESS:8080/#k=…\n"
      "  curl -s http://127.0.0.1:8080/api/health");
  sub->callback([options, &command] { command = [options] { return run_serve(*options); }; });
}

int run_serve(const ServeOptions& o) {
  session::WebServerOptions server_options = o.server;
  server_options.version = EMOMUSIC_VERSION;
#ifdef EMOMUSIC_WITH_SPOTIFY
  if (!o.no_spotify) {
    if (const auto credentials = spotify::find_credentials(false)) {
      server_options.recommender.spotify =
          session::SpotifyAccess{spotify_config(o.spotify), *credentials};
    } else {
      spdlog::info("Spotify not used: no app credentials");
    }
  }
#endif

  session::WebServer server(server_options);
  server.bind();
  install_interrupt_handlers();
  if (const auto& certificate = server.certificate()) {
    report_certificate(*certificate);
    // Only on a terminal: a log that stderr is written to must not keep the secret.
    if (::isatty(STDERR_FILENO)) std::cerr << terminal_qr(server.access_url()) << std::flush;
  }
  // The URL alone on stdout, so a script (or a test with --port 0) can read it; beyond loopback
  // it carries the access secret, which is printed nowhere else.
  std::cout << server.access_url() << std::endl;
  spdlog::info("serving the page at {} (Ctrl-C stops)", server.url());
  if (o.open) {
    const std::string url = server.access_url();
    char* argv[] = {const_cast<char*>("xdg-open"), const_cast<char*>(url.c_str()), nullptr};
    pid_t pid = 0;
    if (::posix_spawnp(&pid, "xdg-open", nullptr, nullptr, argv, environ) != 0) {
      spdlog::warn("could not run xdg-open; open {} yourself", url);
    }
  }
  server.run(interrupt_token());
  // A server's normal way to stop is a signal: not an interrupted command (130), a clean stop.
  spdlog::info("stopped");
  return 0;
}

}  // namespace emomusic::app
