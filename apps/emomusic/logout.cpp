#include "logout.hpp"

#include <spdlog/spdlog.h>

#include "emomusic/music/spotify/config.hpp"
#include "emomusic/music/spotify/login.hpp"

namespace emomusic::app {

void setup_logout(CLI::App& app, Command& command) {
  app.callback([&command] { command = [] { return run_logout(LogoutOptions{}); }; });
}

int run_logout(const LogoutOptions&) {
  const auto config = spotify::SpotifyConfig::from_environment();
  if (spotify::logout(config))
    spdlog::info("logged out of Spotify (deleted {})", config.token_path.string());
  else
    spdlog::info("not logged in to Spotify; nothing to forget");
  return 0;
}

}  // namespace emomusic::app
