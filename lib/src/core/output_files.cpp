#include "emomusic/core/output_files.hpp"

#include <sys/stat.h>

#include <system_error>

#include "emomusic/core/error.hpp"
#include "emomusic/core/file_error.hpp"
#include "emomusic/core/paths.hpp"

namespace emomusic {
namespace fs = std::filesystem;

namespace {

fs::path real_path(const fs::path& p) {
  std::error_code ec;
  const auto real = fs::weakly_canonical(p, ec);
  return ec ? p.lexically_normal() : real;
}

// Whether `folder` is one of emomusic's own folders or inside one.
bool is_own_folder(const fs::path& folder) {
  const fs::path real = real_path(folder);
  for (const fs::path& own : {user_data_dir(), user_cache_dir(), user_config_dir()}) {
    const fs::path base = real_path(own);
    const auto rel = real.lexically_relative(base);
    if (!rel.empty() && *rel.begin() != "..") return true;
  }
  return false;
}

}  // namespace

InputFiles::InputFiles(const std::vector<fs::path>& inputs) {
  for (const auto& p : inputs) {
    if (p.empty() || p == "-") continue;
    by_path_.emplace(real_path(p), p);
    struct stat st {};
    if (::stat(p.c_str(), &st) == 0) by_id_.emplace(std::make_pair(st.st_dev, st.st_ino), p);
  }
}

std::optional<fs::path> InputFiles::find(const fs::path& output) const {
  if (output.empty() || output == "-") return std::nullopt;
  if (const auto it = by_path_.find(real_path(output)); it != by_path_.end()) return it->second;
  struct stat st {};
  if (::stat(output.c_str(), &st) != 0) return std::nullopt;
  if (const auto it = by_id_.find({st.st_dev, st.st_ino}); it != by_id_.end()) return it->second;
  return std::nullopt;
}

void InputFiles::refuse(const fs::path& output, const std::string& what) const {
  if (const auto input = find(output)) {
    throw InputError(what + " " + quote_path(output) + " is an input (" + quote_path(*input) +
                     ", or a link to it); writing it would replace the input");
  }
}

void check_output_files(const std::vector<fs::path>& inputs, const std::vector<fs::path>& outputs) {
  const InputFiles files(inputs);
  for (const auto& output : outputs) files.refuse(output);
  for (const auto& output : outputs) {
    if (!output.empty() && output != "-") prepare_output_folder(output);
  }
}

void prepare_output_folder(const fs::path& output) {
  const fs::path folder = output.has_parent_path() ? output.parent_path() : fs::path(".");
  std::error_code ec;
  if (fs::is_directory(folder, ec)) return;
  if (is_own_folder(folder)) {
    fs::create_directories(folder, ec);
    if (ec) throw_file_error(folder, "create folder", ec.value());
    return;
  }
  if (fs::exists(folder, ec)) {
    throw InputError("cannot write " + quote_path(output) + ": " + quote_path(folder) +
                     " is not a folder");
  }
  if (ec && ec.value() != ENOENT) throw_file_error(output, "write", ec.value());
  throw InputError("cannot write " + quote_path(output) + ": the folder " + quote_path(folder) +
                   " does not exist");
}

}  // namespace emomusic
