#pragma once
// --shard I/N, as detect and eval take it: read into the library's Shard (core/shard.hpp) while
// the command line is parsed, so that a bad share is a usage error before any input is opened.

#include <CLI/CLI.hpp>
#include <string>

#include "emomusic/core/shard.hpp"

namespace emomusic::app {

inline CLI::Option* add_shard_option(CLI::App& cmd, Shard& shard, const std::string& help) {
  return cmd.add_option_function<std::string>(
      "--shard", [&shard](const std::string& text) { shard = parse_shard(text); }, help);
}

}  // namespace emomusic::app
