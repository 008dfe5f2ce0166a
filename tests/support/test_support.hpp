#pragma once
// Helpers shared by the tests: scratch directories and the optional ../shared data.

#include <filesystem>
#include <optional>
#include <string>
#include <thread>

namespace emomusic::test {

/// A fresh directory under the system temp dir, removed when the object dies.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

/// ../shared/<relative> beside the project root, if present (tests skip without it).
std::optional<std::filesystem::path> shared_file(const std::string& relative);

/// `content` written into a pipe by a thread, readable once through path() ("/dev/fd/N"), as a
/// shell's `<(…)` gives it. The writer stops when the reader goes away.
class PipeFeed {
 public:
  explicit PipeFeed(std::string content);
  ~PipeFeed();
  PipeFeed(const PipeFeed&) = delete;
  PipeFeed& operator=(const PipeFeed&) = delete;
  std::filesystem::path path() const;

 private:
  int read_fd_ = -1;
  std::thread writer_;
};

std::string read_file(const std::filesystem::path& path);
void write_file(const std::filesystem::path& path, const std::string& content);

}  // namespace emomusic::test

/// Skips the current test with a message naming what is missing from ../shared.
#define EMOMUSIC_REQUIRE_SHARED(var, relative)                                               \
  const auto var##_opt = ::emomusic::test::shared_file(relative);                            \
  if (!var##_opt) GTEST_SKIP() << "../shared/" << (relative) << " is not present; skipping"; \
  const std::filesystem::path var = *var##_opt
