#pragma once
/// @file
/// Errors of libemomusic. The library throws; only a front end catches, and turns an error into
/// what it speaks: a message and an exit code (the command line), a status (the web server).

#include <stdexcept>
#include <string>

namespace emomusic {

/// What kind of failure happened. Each front end maps kinds to its own codes in one table: the
/// command line to exit codes (apps/emomusic/exit_codes.hpp), the web server to HTTP statuses.
enum class ErrorKind {
  kInternal,     ///< a fault of emomusic itself or of a library under it
  kBadValue,     ///< a value the caller chose is unknown or out of its range
  kBadInput,     ///< a data, image or CSV file is missing, unreadable or malformed
  kBadModel,     ///< a model or checkpoint file is missing, truncated or corrupt
  kService,      ///< a network service (Spotify) failed or refused
  kNotFound,     ///< nothing to return: no face within the timeout, no matching track
  kUnavailable,  ///< not built in, or a device (camera, CUDA) or a lock is not available
  kInterrupted,  ///< stopped on request (core/interrupt), after finishing its output
};

/// How a batch of items (images, photos, catalog rows) ended, each bad item having been reported.
enum class BatchOutcome {
  kComplete,     ///< every item went through
  kPartial,      ///< some items failed
  kNoneFound,    ///< no item held what was looked for (no face in any image)
  kAllFailed,    ///< every item failed
  kInterrupted,  ///< stopped on request, after finishing its output
};

/// Base of all library errors; says what kind of failure it is.
class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
  ErrorKind kind() const noexcept { return kind_; }

 private:
  ErrorKind kind_;
};

/// A value the caller chose that is unknown or out of its range; the message names the field.
struct UsageError : Error {
  explicit UsageError(const std::string& m) : Error(ErrorKind::kBadValue, m) {}
};
/// Bad input data; the message names the file and, where there is one, the line.
struct InputError : Error {
  explicit InputError(const std::string& m) : Error(ErrorKind::kBadInput, m) {}
};
/// A model or checkpoint file that cannot be used.
struct ModelError : Error {
  explicit ModelError(const std::string& m) : Error(ErrorKind::kBadModel, m) {}
};
/// A remote service failed, refused, or is not reachable.
struct ServiceError : Error {
  explicit ServiceError(const std::string& m) : Error(ErrorKind::kService, m) {}
};
/// The operation ran but found nothing to return.
struct NotFoundError : Error {
  explicit NotFoundError(const std::string& m) : Error(ErrorKind::kNotFound, m) {}
};
/// A feature that this build or this machine does not have.
struct UnavailableError : Error {
  explicit UnavailableError(const std::string& m) : Error(ErrorKind::kUnavailable, m) {}
};

/// Work stopped on request (core/interrupt.hpp); the message says what was kept.
struct InterruptedError : Error {
  explicit InterruptedError(const std::string& m) : Error(ErrorKind::kInterrupted, m) {}
};

}  // namespace emomusic
