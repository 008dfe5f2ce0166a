#include "serve.hpp"

#include <spawn.h>
#include <spdlog/spdlog.h>

#include <iostream>
#include <memory>

#include "classifier_options.hpp"
#include "emomusic/core/error.hpp"
#include "emomusic/core/interrupt.hpp"
#include "emomusic/session/web_server.hpp"
#include "ml_commands.hpp"
#include "option_range.hpp"

extern char** environ;

namespace emomusic::app {

void setup_serve(CLI::App& app, Command& command) {
  auto options = std::make_shared<ServeOptions>();
  auto& server = options->server;
  auto* sub = &app;
  add_description(
      app,
      "Exit codes: 0 stopped by Ctrl-C or SIGTERM, 3 unreadable catalog, mapping or Spotify "
      "credentials file, or a history file that is not a history, 4 bad model, 8 the address "
      "cannot be bound (another server on the port).");
  sub->add_option("--host", server.host,
                  "Address to listen on; anything but 127.0.0.1 lets other machines use the page, "
                  "which has no authentication")
      ->capture_default_str();
  sub->add_option("--port", server.port, "Port to listen on; 0 picks a free one")
      ->capture_default_str()
      ->check(in_range(kPortRange));
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
  if (o.server.host != "127.0.0.1" && o.server.host != "localhost") {
    spdlog::warn(
        "listening on {}: the page has no authentication, anyone who can reach this "
        "address can use the camera page, the history and the feedback",
        o.server.host);
  }
  // The URL alone on stdout, so a script (or a test with --port 0) can read it.
  std::cout << server.url() << std::endl;
  spdlog::info("serving the page at {} (Ctrl-C stops)", server.url());
  if (o.open) {
    const std::string url = server.url();
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
