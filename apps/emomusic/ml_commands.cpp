#include "ml_commands.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <sstream>
#include <string>
#include <string_view>

#include "commands.hpp"
#include "emomusic/core/error.hpp"
#include "emomusic/core/paths.hpp"
#include "exit_codes.hpp"

namespace emomusic::app {
namespace fs = std::filesystem;

namespace {

// The subcommand's word: the first one after emomusic's own options (-v, -q, --version, --help).
std::string_view subcommand(int argc, char** argv) {
  int i = 1;
  while (i < argc && argv[i][0] == '-') ++i;
  return i < argc ? std::string_view(argv[i]) : std::string_view();
}

}  // namespace

bool needs_ml_binary(int argc, char** argv) {
  const CommandInfo* command = find_command(subcommand(argc, argv));
  if (command == nullptr || command->runs_in == RunsIn::kFront) return false;
  if (command->runs_in == RunsIn::kMl) return true;
  std::istringstream ml_options(command->ml_options);
  for (std::string option; ml_options >> option;) {
    for (int k = 1; k < argc; ++k) {
      const std::string_view arg = argv[k];
      if (arg == "--") break;
      if (arg.substr(0, option.size()) == option &&
          (arg.size() == option.size() || arg[option.size()] == '=')) {
        return true;
      }
    }
  }
  return false;
}

std::optional<fs::path> find_ml_binary() {
  const auto dir = executable_dir();
  if (!dir) return std::nullopt;
  for (const fs::path& candidate :
       {*dir / kMlBinaryName, *dir / ".." / "libexec" / "emomusic" / kMlBinaryName}) {
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return std::nullopt;
}

int exec_ml_binary(int argc, char** argv) {
  const auto binary = find_ml_binary();
  if (const char* marker = std::getenv(kFrontExecMarker); marker && *marker) {
    std::cerr << "error: " << (binary ? binary->string() : std::string(kMlBinaryName))
              << " is a copy of emomusic itself, not " << kMlBinaryName
              << " (LibTorch and OpenCV); install the real one there\n";
    return static_cast<int>(ExitCode::kUnavailable);
  }
  if (!binary) {
    const auto dir = executable_dir();
    const std::string where = dir ? dir->string() : std::string("this program's folder");
    std::cerr << "error: '" << subcommand(argc, argv) << "' needs " << kMlBinaryName
              << " (LibTorch and OpenCV), which is not installed: looked in " << where << " and "
              << where << "/../libexec/emomusic\n";
    return static_cast<int>(ExitCode::kUnavailable);
  }
  ::setenv(kFrontExecMarker, "1", 1);
  ::execv(binary->c_str(), argv);
  ::unsetenv(kFrontExecMarker);
  std::cerr << "error: cannot run " << binary->string() << ": " << std::strerror(errno) << "\n";
  return static_cast<int>(ExitCode::kUnavailable);
}

}  // namespace emomusic::app
