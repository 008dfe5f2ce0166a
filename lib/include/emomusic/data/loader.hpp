#pragma once
/// @file
/// Loading FER2013 in the forms people have it: the original CSV (`emotion,pixels,Usage`, plain
/// or gzipped), the per-image layout (`ROOT/train/<class>/*.jpg|png`, `ROOT/test/<class>/…`, or
/// `ROOT/<class>/…`), and emomusic's packed form (a .safetensors file, also used as the cache).

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "emomusic/core/error.hpp"
#include "emomusic/data/dataset.hpp"

namespace emomusic::data {

struct LoadOptions {
  /// Report bad rows/images and leave them out, instead of failing on the first.
  bool skip_bad = false;
  /// Reuse a packed copy keyed by the source's path, size and modification time.
  bool use_cache = true;
  /// Where packed copies go; empty: $XDG_CACHE_HOME/emomusic/datasets.
  std::filesystem::path cache_dir;
  /// Show a progress bar/lines while parsing.
  bool show_progress = true;
};

/// A bad row or image, thrown when LoadOptions::skip_bad is off: a caller that can turn skipping
/// on (a front end's option) catches this type to say how.
struct BadRowError : InputError {
  using InputError::InputError;
};

/// How many messages a LoadReport keeps (`skipped` counts them all).
inline constexpr std::size_t kMaxProblemsKept = 1000;

struct LoadReport {
  std::int64_t loaded = 0;
  std::int64_t skipped = 0;
  /// One message per skipped row or image, for the first kMaxProblemsKept of them.
  std::vector<std::string> problems;
  bool from_cache = false;
  std::filesystem::path cache_file;
};

/// Loads any supported form; throws BadRowError (an InputError) naming the file (and line) of the
/// first problem unless options.skip_bad. A truncated or corrupt gzip file is an InputError even
/// then. A pipe
/// (`/dev/fd/N`) is read once, front to back, and never cached.
FaceDataset load_dataset(const std::filesystem::path& source, const LoadOptions& options = {},
                         LoadReport* report = nullptr);

/// Writes the packed form (uint8 images, labels, splits) atomically.
void save_packed(const FaceDataset& dataset, const std::filesystem::path& path);

}  // namespace emomusic::data
