#include "emomusic/core/atomic_file.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <fstream>
#include <random>
#include <sstream>
#include <system_error>

#include "emomusic/core/error.hpp"
#include "emomusic/core/file_error.hpp"
#include "emomusic/core/output_files.hpp"

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

// What is at a path about to be written: replacing by rename is only for a regular file, or for
// a name where nothing is yet.
enum class Target { kAbsent, kRegular, kWriteThrough, kRefused };

Target target_kind(const fs::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return Target::kAbsent;
    throw_file_error(path, "write", errno);
  }
  if (S_ISREG(st.st_mode)) return Target::kRegular;
  // A character device (/dev/null, a terminal) or a FIFO is where the user wants the bytes to go;
  // renaming a file over it would replace the device node itself. A block device, a socket or a
  // folder is never an output.
  if (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode)) return Target::kWriteThrough;
  return Target::kRefused;
}

[[noreturn]] void refuse_kind(const fs::path& path) {
  throw InputError("cannot write " + quote_path(path) +
                   ": it is not a regular file (a folder, block device or socket)");
}

// Writes into an existing character device or FIFO as it is. A FIFO nobody reads is refused
// rather than waited on: the open would block until a reader comes, possibly for ever.
void write_through(const fs::path& path, std::string_view bytes) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENXIO) {
      throw InputError("cannot write " + quote_path(path) + ": it is a FIFO that nobody reads");
    }
    throw_file_error(path, "write", errno);
  }
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int e = n < 0 ? errno : EIO;
      ::close(fd);
      throw_file_error(path, "write", e);
    }
    done += static_cast<std::size_t>(n);
  }
  if (::close(fd) != 0 && errno != EINTR) throw_file_error(path, "write", errno);
}

}  // namespace

AtomicReplacement::AtomicReplacement(fs::path path) : target_(std::move(path)) {
  if (target_kind(target_) >= Target::kWriteThrough) refuse_kind(target_);
  prepare_output_folder(target_);
  if (!target_.has_parent_path()) target_ = fs::path(".") / target_;
  // What writers killed earlier (kill -9, power loss) left here.
  remove_stale_temporaries(target_);
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
    throw_file_error(target_, "write", errno);
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
  if (ec) throw_file_error(target_, "write", ec.value());
  committed_ = true;
  // Make the rename itself durable.
  fsync_path(target_.parent_path());
}

void write_file_atomically(const fs::path& path, const std::function<void(std::ostream&)>& write) {
  const Target kind = target_kind(path);
  if (kind == Target::kRefused) refuse_kind(path);
  if (kind == Target::kWriteThrough) {
    std::ostringstream content;
    write(content);
    write_through(path, content.str());
    return;
  }
  AtomicReplacement replacement(path);
  {
    errno = 0;
    std::ofstream out(replacement.temp_path(), std::ios::binary | std::ios::trunc);
    if (!out) throw_file_error(path, "write", errno ? errno : EIO);
    write(out);
    out.flush();
    // errno still holds what the failed write(2) said (ENOSPC on a full disk).
    if (!out) throw_file_error(path, "write", errno ? errno : EIO);
    out.close();
    if (!out) throw_file_error(path, "write", errno ? errno : EIO);
  }
  replacement.commit();
}

void write_file_atomically(const fs::path& path, std::string_view content) {
  if (target_kind(path) == Target::kWriteThrough) {
    write_through(path, content);
    return;
  }
  write_file_atomically(path, [&](std::ostream& out) {
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
  });
}

void write_private_file_atomically(const fs::path& path, std::string_view content) {
  const fs::path dir = path.has_parent_path() ? path.parent_path() : fs::path(".");
  std::error_code ec;
  if (fs::create_directories(dir, ec)) {
    fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace, ec);
  }
  AtomicReplacement replacement(path);
  const int fd = ::open(replacement.temp_path().c_str(),
                        O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) throw_file_error(path, "write", errno);
  const auto fail = [&](int err) {
    ::close(fd);
    throw_file_error(path, "write", err);
  };
  if (::fchmod(fd, 0600) != 0) fail(errno);
  std::size_t done = 0;
  while (done < content.size()) {
    const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail(errno);
    done += static_cast<std::size_t>(n);
  }
  if (::close(fd) != 0) throw_file_error(path, "write", errno);
  replacement.commit();
}

}  // namespace emomusic
