#include "emomusic/core/atomic_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <random>
#include <system_error>

#include "emomusic/core/error.hpp"

namespace emomusic {
namespace fs = std::filesystem;

namespace {

fs::path temp_sibling(const fs::path& target) {
  // Unique per process and call, so concurrent writers never share a temporary file.
  static std::atomic<unsigned> counter{0};
  std::random_device rd;
  return target.parent_path() /
         ("." + target.filename().string() + ".tmp-" + std::to_string(::getpid()) + "-" +
          std::to_string(counter++) + "-" + std::to_string(rd() % 100000));
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
