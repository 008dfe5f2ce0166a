#include "emomusic/core/bounded_input.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <streambuf>

#include "emomusic/core/file_error.hpp"

namespace emomusic {
namespace fs = std::filesystem;

namespace {

[[noreturn]] void throw_as(ErrorKind kind, const std::string& message) {
  if (kind == ErrorKind::kBadModel) throw ModelError(message);
  throw InputError(message);
}

std::string name_of(const fs::path& path) {
  return path == "-" ? std::string("standard input") : quote_path(path);
}

}  // namespace

void refuse_over_limit(const InputLimit& limit, const std::string& name) {
  throw_as(limit.error, name + " is larger than the limit of " +
                            std::to_string(limit.max_bytes / kMiB) + " MiB for a " + limit.what);
}

class BoundedInput::Buffer : public std::streambuf {
 public:
  Buffer(const fs::path& path, const InputLimit& limit) : name_(name_of(path)), limit_(limit) {
    if (path == "-") {
      fd_ = STDIN_FILENO;
      return;
    }
    fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) {
      throw_as(limit_.error, name_ + ": cannot open (" + std::strerror(errno) + ")");
    }
    owned_ = true;
  }
  ~Buffer() override {
    if (owned_) ::close(fd_);
  }
  std::uint64_t total() const { return total_ - static_cast<std::uint64_t>(egptr() - gptr()); }

 protected:
  int_type underflow() override {
    if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
    ssize_t n;
    do {
      n = ::read(fd_, chunk_, sizeof chunk_);
    } while (n < 0 && errno == EINTR);
    if (n < 0) throw_as(limit_.error, name_ + ": cannot read (" + std::strerror(errno) + ")");
    if (n == 0) return traits_type::eof();
    total_ += static_cast<std::uint64_t>(n);
    if (total_ > limit_.max_bytes) refuse_over_limit(limit_, name_);
    setg(chunk_, chunk_, chunk_ + n);
    return traits_type::to_int_type(*gptr());
  }

 private:
  std::string name_;
  InputLimit limit_;
  int fd_ = -1;
  bool owned_ = false;
  std::uint64_t total_ = 0;
  char chunk_[1 << 16];
};

BoundedInput::BoundedInput(const fs::path& path, const InputLimit& limit)
    : std::istream(nullptr), buffer_(std::make_unique<Buffer>(path, limit)) {
  rdbuf(buffer_.get());
  exceptions(std::ios::badbit);
}

BoundedInput::~BoundedInput() = default;

std::uint64_t BoundedInput::bytes_read() const {
  return buffer_->total();
}

std::string read_bounded(const fs::path& path, const InputLimit& limit) {
  BoundedInput in(path, limit);
  std::string bytes;
  char chunk[1 << 16];
  while (in.read(chunk, sizeof chunk) || in.gcount() > 0) {
    bytes.append(chunk, static_cast<std::size_t>(in.gcount()));
  }
  return bytes;
}

}  // namespace emomusic
