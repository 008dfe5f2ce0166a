#pragma once
// The table of emomusic's commands (commands.def), as this program was built: which it has, what
// each says in the help, which program runs it, and how it declares its options.

#include <CLI/CLI.hpp>
#include <string_view>
#include <vector>

#include "command.hpp"

namespace emomusic::app {

enum class RunsIn { kFront, kMl, kFrontOrMl };

struct CommandInfo {
  const char* name;
  const char* summary;
  RunsIn runs_in;
  const char* ml_options;  ///< RunsIn::kFrontOrMl: the options that need emomusic-ml
  /// Declares the command's options on its subcommand and stores its run in the Command; null in
  /// the front for the commands it hands to emomusic-ml.
  void (*setup)(CLI::App& command_app, Command& command);
};

/// The commands this build has, in the order of commands.def.
const std::vector<CommandInfo>& commands();

/// The command named `name`; null when this build has none.
const CommandInfo* find_command(std::string_view name);

/// Adds every command to `app` with its summary, then its options where this program runs it.
void add_commands(CLI::App& app, Command& command);

}  // namespace emomusic::app
