#pragma once
/// @file
/// What a failed file operation means for the user, decided in one place: a path that cannot be
/// used (too long, missing folder, no permission, read-only file system, not a regular file) is
/// bad input; a disk that is full or failing is an unavailable resource.

#include <filesystem>
#include <string>

namespace emomusic {

/// A path fit to quote in a message: short (excerpt()), control bytes escaped.
std::string quote_path(const std::filesystem::path& path);

/// Throws the error that errno value `err` means while `doing` ("write", "read", "create") on
/// `path`: UnavailableError for ENOSPC, EDQUOT, EIO and EFBIG (no space, a failing disk: the
/// input is fine), InputError for everything else (ENAMETOOLONG, EACCES, EROFS, ENOENT, …).
/// The message quotes the path short and says what the errno means.
[[noreturn]] void throw_file_error(const std::filesystem::path& path, const std::string& doing,
                                   int err);

}  // namespace emomusic
