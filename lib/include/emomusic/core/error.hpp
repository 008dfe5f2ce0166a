#pragma once
/// @file
/// Errors of libemomusic. The library throws; only the application's main() catches and turns an
/// error into a message on stderr and the exit code carried here.

#include <stdexcept>
#include <string>

namespace emomusic {

/// Process exit codes, documented in the README. Distinct so that scripts can tell failures apart.
enum class ExitCode : int {
  kOk = 0,
  kFailure = 1,      ///< unexpected internal failure
  kUsage = 2,        ///< bad command line
  kBadInput = 3,     ///< a data, image or CSV file is missing, unreadable or malformed
  kBadModel = 4,     ///< a model or checkpoint file is missing, truncated or corrupt
  kPartial = 5,      ///< a batch finished, but some items failed (each was reported)
  kService = 6,      ///< a network service (Spotify) failed or refused
  kNotFound = 7,     ///< nothing to report: no face within the timeout, no matching track
  kUnavailable = 8,  ///< the feature was not built in, or a device (camera, CUDA) is missing
  kInterrupted =
      130,  ///< stopped by Ctrl-C or SIGTERM, after finishing its output (core/interrupt)
};

/// Base of all library errors; carries the exit code the application should end with.
class Error : public std::runtime_error {
 public:
  Error(ExitCode code, const std::string& message) : std::runtime_error(message), code_(code) {}
  ExitCode code() const noexcept { return code_; }

 private:
  ExitCode code_;
};

/// A bad option value that the command-line parser could not catch by itself.
struct UsageError : Error {
  explicit UsageError(const std::string& m) : Error(ExitCode::kUsage, m) {}
};
/// Bad input data; the message names the file and, where there is one, the line.
struct InputError : Error {
  explicit InputError(const std::string& m) : Error(ExitCode::kBadInput, m) {}
};
/// A model or checkpoint file that cannot be used.
struct ModelError : Error {
  explicit ModelError(const std::string& m) : Error(ExitCode::kBadModel, m) {}
};
/// A remote service failed, refused, or is not reachable.
struct ServiceError : Error {
  explicit ServiceError(const std::string& m) : Error(ExitCode::kService, m) {}
};
/// The operation ran but found nothing to return.
struct NotFoundError : Error {
  explicit NotFoundError(const std::string& m) : Error(ExitCode::kNotFound, m) {}
};
/// A feature that this build or this machine does not have.
struct UnavailableError : Error {
  explicit UnavailableError(const std::string& m) : Error(ExitCode::kUnavailable, m) {}
};

/// Work stopped on request (core/interrupt.hpp); the message says what was kept.
struct InterruptedError : Error {
  explicit InterruptedError(const std::string& m) : Error(ExitCode::kInterrupted, m) {}
};

}  // namespace emomusic
