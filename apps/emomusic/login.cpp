#include "login.hpp"

#include <spdlog/spdlog.h>

#include <iostream>
#include <memory>

#include "emomusic/music/spotify/callback_listener.hpp"
#include "emomusic/music/spotify/login.hpp"
#include "option_range.hpp"

namespace emomusic::app {

void setup_login(CLI::App& app, Command& command) {
  auto options = std::make_shared<LoginOptions>();
  auto* cmd = &app;
  add_description(app,
                  "Authorization code with PKCE; needs SPOTIFY_CLIENT_ID or spotify.json "
                  "(docs/spotify.md).");
  cmd->add_option("--port", options->port, "Loopback port for the redirect (0: any free port)")
      ->check(in_range(kPortRange))
      ->capture_default_str();
  cmd->add_flag("--no-browser", options->no_browser,
                "Only print the login URL; do not open a browser");
  cmd->add_option("--wait", options->wait_s, "Seconds to wait for the browser")
      ->check(in_range(spotify::kLoginWaitRange))
      ->capture_default_str();
  add_spotify_options(*cmd, options->spotify);
  cmd->callback([options, &command] { command = [options] { return run_login(*options); }; });
}

int run_login(const LoginOptions& options) {
  const spotify::SpotifyConfig config = spotify_config(options.spotify);
  const spotify::Credentials credentials = spotify::load_credentials(false);
  spotify::LoginOptions login;
  login.port = options.port;
  login.timeout = std::chrono::seconds(options.wait_s);
  spotify::LoginFlow flow = with_hint<spotify::PortInUseError>("--port picks another", [&] {
    return spotify::LoginFlow(config, credentials.client_id, login);
  });
  // Straight to stderr, not through the logger: the user must see it even with -q.
  std::cerr << "Open this address in a browser to let emomusic manage your playlists:\n"
            << flow.authorize_url() << "\n";
  if (!options.no_browser && !spotify::open_in_browser(flow.authorize_url()))
    spdlog::info("no browser to open (xdg-open not found); open the address yourself");
  flow.finish();
  spdlog::info("logged in to Spotify; the login is kept in {} (mode 600)",
               config.token_path.string());
  return 0;
}

}  // namespace emomusic::app
