#pragma once
// emomusic ships as two executables so that commands which run no network start at once: the
// `emomusic` that users call links neither LibTorch nor OpenCV (their loading and static
// initialisation cost 0.6 s and 150 MB per call), and hands the commands that need them to
// `emomusic-ml`, the complete program, by exec()ing it with the same arguments. exec keeps the
// process: its id, standard streams, signals (Ctrl-C) and exit code are the user's as before.
// Why not dlopen()ing a LibTorch module instead: one process image keeps one copy of every
// global (logger, interrupt flag, command line) and throws exceptions within one binary, and the
// LibTorch code needs no -fPIC build; git's libexec/git-core works the same way.

#include <filesystem>
#include <optional>

namespace emomusic::app {

/// Where `emomusic-ml` is installed: <prefix>/libexec/emomusic, relative to <prefix>/bin.
inline constexpr const char* kMlBinaryName = "emomusic-ml";

/// Set by the front in the environment of the emomusic-ml it execs, and cleared by emomusic-ml on
/// entry. A front that finds it set for a command it would hand over has been exec'd by itself:
/// the "emomusic-ml" it found is a copy of the front, and exec'ing it again would never end.
inline constexpr const char* kFrontExecMarker = "EMOMUSIC_FRONT_EXEC";

/// Whether this command line needs emomusic-ml: a command that runs there, or one that runs there
/// with one of its ml_options (commands.def). Decided from the words alone, before any parsing.
bool needs_ml_binary(int argc, char** argv);

/// emomusic-ml beside this executable (a build tree) or in ../libexec/emomusic (an install);
/// nullopt when neither exists.
std::optional<std::filesystem::path> find_ml_binary();

/// Replaces this process by emomusic-ml with the same arguments. Returns only on failure, with
/// the exit code and after the message: 8 (unavailable) when emomusic-ml is missing, or when it
/// is the front itself (kFrontExecMarker).
int exec_ml_binary(int argc, char** argv);

}  // namespace emomusic::app
