#pragma once
/// @file
/// Atomic file replacement: models, checkpoints, caches and databases are never left half-written.

#include <filesystem>
#include <functional>
#include <ostream>
#include <string_view>

namespace emomusic {

/// Writes `path` through `write` into a temporary file in the same directory, flushes it to disk
/// and renames it over `path`. If `write` throws, the temporary file is removed and `path` is left
/// exactly as it was. The folder must exist (prepare_output_folder(): only emomusic's own folders
/// are created). Replacing by rename is only for a regular file or a new name: an existing
/// character device (/dev/null) or FIFO is written through as it is (a FIFO that nobody reads is
/// refused with InputError rather than waited on), and a folder, block device or socket is
/// refused. Errors follow throw_file_error(): a full disk is UnavailableError.
void write_file_atomically(const std::filesystem::path& path,
                           const std::function<void(std::ostream&)>& write);

/// Convenience overload for content already in memory.
void write_file_atomically(const std::filesystem::path& path, std::string_view content);

/// For credentials (tokens, keys, secrets): writes `content` atomically into a file of mode 0600,
/// private from its first byte (the temporary file is created 0600 and chmod-ed past the umask
/// before anything is written). A folder it creates (prepare_output_folder()) is made 0700.
void write_private_file_atomically(const std::filesystem::path& path, std::string_view content);

/// Removes the temporary siblings of `path` (and their SQLite journals) left by writers that were
/// killed before they could clean up: those whose process id, which is part of the name, no
/// longer runs. Writers that are still running keep theirs. Returns how many files it removed.
int remove_stale_temporaries(const std::filesystem::path& path);

/// A temporary sibling of `path` (same directory, so a rename is atomic) that is deleted on
/// destruction unless commit() renamed it over `path`. For writers that need a file name rather
/// than a stream (e.g. SQLite, image encoders). Refuses (InputError) a `path` that exists and is
/// not a regular file, and a missing folder (prepare_output_folder()); removes the stale
/// temporaries of `path` first (remove_stale_temporaries()).
class AtomicReplacement {
 public:
  explicit AtomicReplacement(std::filesystem::path path);
  ~AtomicReplacement();
  AtomicReplacement(const AtomicReplacement&) = delete;
  AtomicReplacement& operator=(const AtomicReplacement&) = delete;

  const std::filesystem::path& temp_path() const { return temp_; }
  /// fsyncs the temporary file and renames it over the target.
  void commit();
  /// fsyncs the temporary file and moves it to the target only if no file is there yet (a
  /// hard link, which unlike rename never replaces); returns false, keeping the temporary file
  /// for the destructor to remove, when another writer got there first.
  bool commit_if_absent();

 private:
  std::filesystem::path target_;
  std::filesystem::path temp_;
  bool committed_ = false;
};

}  // namespace emomusic
