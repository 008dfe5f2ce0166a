#pragma once
// The command line's exit codes, documented in the README and in `emomusic --help`: the one table
// from the library's kinds of failure (core/error.hpp) to codes that scripts can tell apart.

#include "emomusic/core/error.hpp"

namespace emomusic::app {

enum class ExitCode : int {
  kOk = 0,
  kFailure = 1,        ///< unexpected internal failure
  kUsage = 2,          ///< bad command line
  kBadInput = 3,       ///< a data, image or CSV file is missing, unreadable or malformed
  kBadModel = 4,       ///< a model or checkpoint file is missing, truncated or corrupt
  kPartial = 5,        ///< a batch finished, but some items failed (each was reported)
  kService = 6,        ///< a network service (Spotify) failed or refused
  kNotFound = 7,       ///< nothing to report: no face within the timeout, no matching track
  kUnavailable = 8,    ///< the feature was not built in, or a device (camera, CUDA) is missing
  kInterrupted = 130,  ///< stopped by Ctrl-C or SIGTERM, after finishing its output
};

constexpr int exit_code(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kInternal:
      return static_cast<int>(ExitCode::kFailure);
    case ErrorKind::kBadValue:
      return static_cast<int>(ExitCode::kUsage);
    case ErrorKind::kBadInput:
      return static_cast<int>(ExitCode::kBadInput);
    case ErrorKind::kBadModel:
      return static_cast<int>(ExitCode::kBadModel);
    case ErrorKind::kService:
      return static_cast<int>(ExitCode::kService);
    case ErrorKind::kNotFound:
      return static_cast<int>(ExitCode::kNotFound);
    case ErrorKind::kUnavailable:
      return static_cast<int>(ExitCode::kUnavailable);
    case ErrorKind::kInterrupted:
      return static_cast<int>(ExitCode::kInterrupted);
  }
  return static_cast<int>(ExitCode::kFailure);
}

constexpr int exit_code(BatchOutcome outcome) {
  switch (outcome) {
    case BatchOutcome::kComplete:
      return static_cast<int>(ExitCode::kOk);
    case BatchOutcome::kPartial:
      return static_cast<int>(ExitCode::kPartial);
    case BatchOutcome::kNoneFound:
      return static_cast<int>(ExitCode::kNotFound);
    case BatchOutcome::kAllFailed:
      return static_cast<int>(ExitCode::kBadInput);
    case BatchOutcome::kInterrupted:
      return static_cast<int>(ExitCode::kInterrupted);
  }
  return static_cast<int>(ExitCode::kFailure);
}

}  // namespace emomusic::app
