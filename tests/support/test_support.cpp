#include "test_support.hpp"

#include <unistd.h>

#include <csignal>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>

namespace emomusic::test {
namespace fs = std::filesystem;

TempDir::TempDir() {
  std::random_device rd;
  path_ = fs::temp_directory_path() /
          ("emomusic-test-" + std::to_string(::getpid()) + "-" + std::to_string(rd()));
  fs::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

std::optional<fs::path> shared_file(const std::string& relative) {
  const fs::path p = fs::path(EMOMUSIC_TEST_SOURCE_DIR) / ".." / "shared" / relative;
  if (fs::exists(p)) return fs::weakly_canonical(p);
  return std::nullopt;
}

PipeFeed::PipeFeed(std::string content) {
  int fds[2];
  if (::pipe(fds) != 0) throw std::runtime_error("pipe() failed");
  std::signal(SIGPIPE, SIG_IGN);  // a reader that stops early gives the writer EPIPE, not death
  read_fd_ = fds[0];
  writer_ = std::thread([fd = fds[1], text = std::move(content)] {
    std::size_t done = 0;
    while (done < text.size()) {
      const auto n = ::write(fd, text.data() + done, text.size() - done);
      if (n <= 0) break;
      done += static_cast<std::size_t>(n);
    }
    ::close(fd);
  });
}

PipeFeed::~PipeFeed() {
  ::close(read_fd_);  // the last reader gone: a blocked writer gets EPIPE and ends
  writer_.join();
}

fs::path PipeFeed::path() const {
  return "/dev/fd/" + std::to_string(read_fd_);
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void write_file(const fs::path& path, const std::string& content) {
  if (path.has_parent_path()) fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary);
  out << content;
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

}  // namespace emomusic::test
