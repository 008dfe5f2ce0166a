#include "emomusic/core/atomic_file.hpp"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <random>
#include <system_error>

#include "emomusic/core/error.hpp"

namespace emomusic {
namespace fs = std::filesystem;

namespace {

// ".<name>.tmp-": the prefix of every temporary sibling of <name>; the writer's pid follows.
std::string temp_prefix(const fs::path& target) {
  return "." + target.filename().string() + ".tmp-";
}

fs::path temp_sibling(const fs::path& target) {
  // Unique per process and call, so concurrent writers never share a temporary file.
  static std::atomic<unsigned> counter{0};
  std::random_device rd;
  return target.parent_path() / (temp_prefix(target) + std::to_string(::getpid()) + "-" +
                                 std::to_string(counter++) + "-" + std::to_string(rd() % 100000));
}

bool process_is_gone(const std::string& pid_text) {
  if (pid_text.empty() || pid_text.size() > 9) return false;
  for (const char c : pid_text) {
    if (c < '0' || c > '9') return false;
  }
  const auto pid = static_cast<pid_t>(std::stol(pid_text));
  return pid > 0 && ::kill(pid, 0) != 0 && errno == ESRCH;
}

void fsync_path(const fs::path& p) {
  const int fd = ::open(p.c_str(), O_RDONLY);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

}  // namespace

AtomicReplacement::AtomicReplacement(fs::path path) : target_(std::move(path)) {
  const fs::path parent = target_.has_parent_path() ? target_.parent_path() : fs::path(".");
  std::error_code ec;
  fs::create_directories(parent, ec);
  if (ec) throw InputError("cannot create directory " + parent.string() + ": " + ec.message());
  if (!target_.has_parent_path()) target_ = fs::path(".") / target_;
  temp_ = temp_sibling(target_);
}

AtomicReplacement::~AtomicReplacement() {
  if (!committed_) {
    std::error_code ec;
    fs::remove(temp_, ec);
  }
}

int remove_stale_temporaries(const fs::path& path) {
  const fs::path parent = path.has_parent_path() ? path.parent_path() : fs::path(".");
  const std::string prefix = temp_prefix(path);
  int removed = 0;
  std::error_code ec;
  for (fs::directory_iterator it(parent, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.compare(0, prefix.size(), prefix) != 0) continue;
    const std::size_t dash = name.find('-', prefix.size());
    if (dash == std::string::npos ||
        !process_is_gone(name.substr(prefix.size(), dash - prefix.size())))
      continue;
    std::error_code remove_ec;
    if (fs::remove(it->path(), remove_ec)) ++removed;
  }
  return removed;
}

bool AtomicReplacement::commit_if_absent() {
  fsync_path(temp_);
  if (::link(temp_.c_str(), target_.c_str()) != 0) {
    if (errno == EEXIST) return false;
    throw InputError("cannot write " + target_.string() + ": " + std::strerror(errno));
  }
  committed_ = true;
  std::error_code ec;
  fs::remove(temp_, ec);
  fsync_path(target_.parent_path());
  return true;
}

void AtomicReplacement::commit() {
  fsync_path(temp_);
  std::error_code ec;
  fs::rename(temp_, target_, ec);
  if (ec) throw InputError("cannot write " + target_.string() + ": " + ec.message());
  committed_ = true;
  // Make the rename itself durable.
  fsync_path(target_.parent_path());
}

void write_file_atomically(const fs::path& path, const std::function<void(std::ostream&)>& write) {
  AtomicReplacement replacement(path);
  {
    std::ofstream out(replacement.temp_path(), std::ios::binary | std::ios::trunc);
    if (!out)
      throw InputError("cannot write " + path.string() + ": cannot create a temporary file");
    write(out);
    out.flush();
    if (!out) throw InputError("cannot write " + path.string() + ": write failed (disk full?)");
  }
  replacement.commit();
}

void write_file_atomically(const fs::path& path, std::string_view content) {
  write_file_atomically(path, [&](std::ostream& out) {
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
  });
}

}  // namespace emomusic
