// emomusic: facial expression → music. This file only wires the subcommands together and turns
// library errors into messages and exit codes.

#include <poll.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>

#include "command.hpp"
#include "commands.hpp"
#include "emomusic/core/error.hpp"
#include "emomusic/core/progress.hpp"
#include "emomusic/core/text.hpp"
#include "exit_codes.hpp"
#include "ml_commands.hpp"

namespace {

// Logs and progress go to stderr; stdout carries only data, so it can be piped.
void setup_logging(int verbosity, bool quiet) {
  auto logger = spdlog::stderr_color_mt("emomusic");
  logger->set_pattern("%^%l%$: %v");
  spdlog::set_default_logger(logger);
  if (quiet) {
    spdlog::set_level(spdlog::level::warn);
  } else if (verbosity >= 2) {
    spdlog::set_level(spdlog::level::trace);
  } else if (verbosity == 1) {
    spdlog::set_level(spdlog::level::debug);
  } else {
    spdlog::set_level(spdlog::level::info);
  }
  emomusic::Progress::set_quiet(quiet);
}

// What a command printed is only known to have arrived once standard output is flushed: a full
// disk (> /dev/full) shows up here, not at the write. Such a loss is an error (exit 8, an
// unavailable resource) unless the command had already failed; a reader that went away (EPIPE,
// `| head`) ends the program quietly with 141, as SIGPIPE ends other tools.
int finish_standard_output(int code) {
  errno = 0;
  std::cout.flush();
  const bool lost = !std::cout || std::fflush(stdout) != 0 || std::ferror(stdout);
  if (!lost) return code;
  const int error = errno;
  // errno tells only of the last write; an earlier one may have met the closed pipe.
  pollfd out{STDOUT_FILENO, 0, 0};
  const bool reader_gone = ::poll(&out, 1, 0) == 1 && (out.revents & POLLERR) != 0;
  if (error == EPIPE || reader_gone) return 128 + SIGPIPE;
  std::cerr << "error: cannot write standard output: "
            << (error ? std::strerror(error) : "write failed") << "\n";
  return code != 0 ? code : static_cast<int>(emomusic::app::ExitCode::kUnavailable);
}

// What --version says of the optional parts; from the build's definitions, so that the front,
// which links no LibTorch, says the same as emomusic-ml.
constexpr const char* kBuiltIn =
#ifdef EMOMUSIC_WITH_DISTRIBUTED
    " (distributed training: c10d with Gloo)";
#else
    " (distributed training: not built in)";
#endif

int run(int argc, char** argv) {
  using emomusic::app::ExitCode;
#ifdef EMOMUSIC_FRONT
  // Before anything else, so that emomusic-ml sees the command line exactly as typed.
  if (emomusic::app::needs_ml_binary(argc, argv)) return emomusic::app::exec_ml_binary(argc, argv);
#else
  // The front's mark is for the front only (see kFrontExecMarker); nothing this runs inherits it.
  ::unsetenv(emomusic::app::kFrontExecMarker);
#endif
  CLI::App app{
      "emomusic: reads a facial expression and plays music that fits it.\n"
      "Exit codes: 0 ok, 1 internal error, 2 usage, 3 bad input, 4 bad model, 5 some items "
      "failed, 6 service error, 7 nothing found, 8 unavailable in this build or machine.",
      "emomusic"};
  app.set_version_flag("--version", std::string("emomusic ") + EMOMUSIC_VERSION + kBuiltIn);
  int verbosity = 0;
  bool quiet = false;
  app.add_flag("-v,--verbose", verbosity, "More log output on stderr (-vv for trace)");
  app.add_flag("-q,--quiet", quiet, "Only warnings and errors on stderr; no progress");
  app.require_subcommand(1);
  app.fallthrough();

  emomusic::app::set_command_line(argc, argv);
  emomusic::app::Command command;
  emomusic::app::add_commands(app, command);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // CLI11 answers a word that is no command with "A subcommand is required": name the word.
    if (dynamic_cast<const CLI::RequiredError*>(&e) && app.get_subcommands().empty() &&
        !app.remaining().empty()) {
      const std::string word = app.remaining().front();
      std::cerr << "error: unknown " << (word.rfind('-', 0) == 0 ? "option" : "command") << " '"
                << emomusic::excerpt(word) << "'; run emomusic --help for the commands\n";
      return static_cast<int>(ExitCode::kUsage);
    }
    const int printed = app.exit(e);  // prints help/version to stdout, errors to stderr
    return printed == 0 ? 0 : static_cast<int>(ExitCode::kUsage);
  } catch (const emomusic::Error& e) {
    // A value that an option hands to the library as it is parsed (a year range).
    std::cerr << "error: " << e.what() << "\n";
    return emomusic::app::exit_code(e.kind());
  }

  setup_logging(verbosity, quiet);
  try {
    return command();
  } catch (const emomusic::Error& e) {
    spdlog::error("{}", e.what());
    return emomusic::app::exit_code(e.kind());
  } catch (const std::exception& e) {
    spdlog::error("internal error: {}", e.what());
    return static_cast<int>(ExitCode::kFailure);
  }
}

}  // namespace

int main(int argc, char** argv) {
  return finish_standard_output(run(argc, argv));
}
