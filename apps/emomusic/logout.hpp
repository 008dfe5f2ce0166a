#pragma once
// `emomusic logout`: forgets the Spotify login that `emomusic login` stored.

#include <CLI/CLI.hpp>

#include "command.hpp"

namespace emomusic::app {

struct LogoutOptions {};

void setup_logout(CLI::App& app, Command& command);
int run_logout(const LogoutOptions& options);

}  // namespace emomusic::app
