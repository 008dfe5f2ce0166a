#pragma once
/// @file
/// Rules every output file follows, whatever writes it: it is never one of the run's inputs, and
/// it goes into a folder that exists (only emomusic's own folders are created for it).

#include <sys/types.h>

#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace emomusic {

/// A run's input files, known both by real path (catches symlinks and ../ spellings) and by
/// device and inode (catches hard links), so that no output can replace one of them.
class InputFiles {
 public:
  /// Empty paths and "-" (standard input) are left out.
  explicit InputFiles(const std::vector<std::filesystem::path>& inputs);

  /// The input that `output` is, or links to; nullopt when it is none of them.
  std::optional<std::filesystem::path> find(const std::filesystem::path& output) const;
  /// Throws InputError naming both files when `output` is one of the inputs: "<what> OUT is an
  /// input (IN, or a link to it); writing it would replace the input".
  void refuse(const std::filesystem::path& output, const std::string& what = "output") const;

 private:
  std::map<std::filesystem::path, std::filesystem::path> by_path_;
  std::map<std::pair<dev_t, ino_t>, std::filesystem::path> by_id_;
};

/// Checks a run's outputs before anything is read or written: none is one of `inputs`
/// (InputFiles::refuse) and the folder of each exists (prepare_output_folder(), which creates
/// emomusic's own). Empty outputs are skipped.
void check_output_files(const std::vector<std::filesystem::path>& inputs,
                        const std::vector<std::filesystem::path>& outputs);

/// Makes sure `output` can be created where it is named. Its folder must exist: InputError naming
/// the folder otherwise, since a typo in a folder name should not silently create a tree of
/// folders. emomusic's own folders (under user_data_dir(), user_cache_dir() and
/// user_config_dir()) are the exception: they are created on first use.
void prepare_output_folder(const std::filesystem::path& output);

}  // namespace emomusic
