#include "command.hpp"

namespace emomusic::app {
namespace {
std::string g_command_line;
}

void add_description(CLI::App& command_app, const std::string& more) {
  command_app.description(command_app.get_description() + "\n" + more);
}

const std::string& command_line() {
  return g_command_line;
}

void set_command_line(int argc, char** argv) {
  g_command_line = "emomusic";
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    // Quote what a shell would split, so the line can be pasted back.
    g_command_line +=
        " " + (arg.find_first_of(" \t'\"$") == std::string::npos ? arg : "'" + arg + "'");
  }
}

}  // namespace emomusic::app
