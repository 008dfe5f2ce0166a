#include "emomusic/core/file_error.hpp"

#include <cerrno>
#include <cstring>

#include "emomusic/core/error.hpp"
#include "emomusic/core/text.hpp"

namespace emomusic {

namespace {
// Enough to recognise a path, short enough that a 5000-byte one keeps the message one line.
constexpr std::size_t kQuotedPathBytes = 200;
}  // namespace

std::string quote_path(const std::filesystem::path& path) {
  return excerpt(path.string(), kQuotedPathBytes);
}

void throw_file_error(const std::filesystem::path& path, const std::string& doing, int err) {
  const std::string message =
      "cannot " + doing + " " + quote_path(path) + ": " + std::strerror(err);
  switch (err) {
    case ENOSPC:
    case EDQUOT:
    case EIO:
    case EFBIG:
      throw UnavailableError(message);
    default:
      throw InputError(message);
  }
}

}  // namespace emomusic
