#pragma once
// How subcommands plug into main(): each <cmd>.cpp has an options struct, a
// `setup_<cmd>(CLI::App&, Command&)` that declares its options on the subcommand that the table of
// commands (commands.def) made, and a `run_<cmd>(const Options&)`. setup stores the chosen
// command's run in `Command`, and main() calls it after parsing, so every option is validated
// before any file or model is opened.

#include <CLI/CLI.hpp>
#include <functional>
#include <string>
#include <utility>

namespace emomusic::app {

/// Runs the parsed subcommand; returns the process exit code (exit_codes.hpp).
using Command = std::function<int()>;

/// Runs `f` and returns what it returns; an error of type E from it goes on as an E, with the
/// same exit code and `hint` added. The library's messages name the value, file or field; only
/// the front end knows which option sets it, so it adds the option here.
template <class E, class F>
decltype(auto) with_hint(const std::string& hint, F&& f) {
  try {
    return std::forward<F>(f)();
  } catch (const E& e) {
    throw E(std::string(e.what()) + " (" + hint + ")");
  }
}

/// Adds a paragraph (exit codes, details) to the command's help, after its summary.
void add_description(CLI::App& command_app, const std::string& more);

/// The command line as typed (set once by main), recorded in what the commands write, e.g. a
/// model's training summary, so that a result says how it was made.
const std::string& command_line();
void set_command_line(int argc, char** argv);

}  // namespace emomusic::app
