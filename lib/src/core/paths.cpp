#include "emomusic/core/paths.hpp"

#include <unistd.h>

#include <cstdlib>
#include <system_error>

#include "emomusic/core/error.hpp"

namespace emomusic {
namespace fs = std::filesystem;

namespace {

fs::path xdg_dir(const char* variable, const char* fallback_under_home) {
  if (const char* v = std::getenv(variable); v && *v) return fs::path(v) / "emomusic";
  const char* home = std::getenv("HOME");
  return fs::path(home && *home ? home : "/tmp") / fallback_under_home / "emomusic";
}

}  // namespace

std::optional<fs::path> executable_dir() {
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return std::nullopt;
  return exe.parent_path();
}

fs::path user_data_dir() {
  return xdg_dir("XDG_DATA_HOME", ".local/share");
}
fs::path user_cache_dir() {
  return xdg_dir("XDG_CACHE_HOME", ".cache");
}
fs::path user_config_dir() {
  return xdg_dir("XDG_CONFIG_HOME", ".config");
}

std::optional<fs::path> find_shipped_file(const std::string& relative) {
  std::error_code ec;
  if (auto dir = executable_dir()) {
    // <prefix>/bin/emomusic, or <prefix>/libexec/emomusic/emomusic-ml.
    for (const fs::path& prefix : {*dir / "..", *dir / ".." / ".."}) {
      const fs::path installed = prefix / "share" / "emomusic" / relative;
      if (fs::exists(installed, ec)) return fs::weakly_canonical(installed, ec);
    }
  }
#ifdef EMOMUSIC_SOURCE_DIR
  const fs::path in_checkout = fs::path(EMOMUSIC_SOURCE_DIR) / relative;
  if (fs::exists(in_checkout, ec)) return in_checkout;
#endif
  return std::nullopt;
}

fs::path default_model_path() {
  if (const char* v = std::getenv("EMOMUSIC_MODEL"); v && *v) return v;
  if (auto p = find_shipped_file("models/emotion.safetensors")) return *p;
  throw ModelError(
      "no model given and no shipped model found (looked for share/emomusic/models/"
      "emotion.safetensors beside the binary and models/emotion.safetensors in the source "
      "checkout); name a model file or set EMOMUSIC_MODEL");
}

}  // namespace emomusic
