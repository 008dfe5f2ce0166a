#pragma once
/// @file
/// Every file emomusic reads has a size limit, enforced while it is read: the size stat() gives
/// is 0 for /dev/zero and for pipes, and grows with a file being written, so it proves nothing.
/// The limits of all inputs are here, in one table (README "Limits").

#include <cstdint>
#include <filesystem>
#include <istream>
#include <memory>
#include <string>

#include "emomusic/core/error.hpp"

namespace emomusic {

/// The most bytes one kind of input may hold, how messages name that kind, and the error a file
/// over it (or unreadable) is: a model is a bad model, everything else bad input.
struct InputLimit {
  std::uint64_t max_bytes;
  const char* what;
  ErrorKind error = ErrorKind::kBadInput;
};

inline constexpr std::uint64_t kMiB = 1u << 20;

/// Models, checkpoints and packed datasets (safetensors).
inline constexpr InputLimit kSafetensorsLimit{2048 * kMiB, "model, checkpoint or packed dataset",
                                              ErrorKind::kBadModel};
/// A FER2013-style CSV, counted after gunzip (FER2013 itself is 288 MiB).
inline constexpr InputLimit kDatasetCsvLimit{1024 * kMiB, "dataset CSV (uncompressed)"};
/// The `path,label` list of eval --photos (80,000 photos at 50 bytes a line).
inline constexpr InputLimit kPhotoLabelsLimit{4 * kMiB, "photo label list"};
/// A catalog CSV to import (a 1.2-million-track export is about 350 MiB).
inline constexpr InputLimit kCatalogCsvLimit{1024 * kMiB, "catalog CSV"};
/// A JSON catalog of starter tracks.
inline constexpr InputLimit kStarterCatalogLimit{64 * kMiB, "starter catalog"};
/// The emotion→music mapping JSON.
inline constexpr InputLimit kMappingLimit{16 * kMiB, "mood mapping"};
/// Spotify's credentials and token files.
inline constexpr InputLimit kPrivateJsonLimit{1 * kMiB, "credentials or token file"};
/// A list of track URIs to put in a playlist.
inline constexpr InputLimit kUriListLimit{16 * kMiB, "track URI list"};

/// Throws the limit's error: "NAME is larger than the limit of N MiB for a WHAT".
[[noreturn]] void refuse_over_limit(const InputLimit& limit, const std::string& name);

/// A file, device or pipe ("-": standard input) read as a std::istream that throws the limit's
/// error as soon as more than limit.max_bytes have come, and throws it too for a read error.
/// Those errors reach the caller through every istream operation (the stream's exceptions
/// include badbit) and through rdbuf() alike.
class BoundedInput : public std::istream {
 public:
  /// Throws the limit's error naming the file when it cannot be opened.
  BoundedInput(const std::filesystem::path& path, const InputLimit& limit);
  ~BoundedInput() override;
  BoundedInput(const BoundedInput&) = delete;
  BoundedInput& operator=(const BoundedInput&) = delete;

  /// Bytes read so far.
  std::uint64_t bytes_read() const;

 private:
  class Buffer;
  std::unique_ptr<Buffer> buffer_;
};

/// All of `path` ("-": standard input), within `limit`.
std::string read_bounded(const std::filesystem::path& path, const InputLimit& limit);

}  // namespace emomusic
