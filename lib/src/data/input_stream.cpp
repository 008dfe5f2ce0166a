#include "input_stream.hpp"

#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "emomusic/core/bounded_input.hpp"
#include "emomusic/core/error.hpp"
#include "emomusic/core/text.hpp"

namespace emomusic::data {
namespace {
constexpr std::size_t kChunk = 1 << 18;
// What a line too long to keep still shows of itself in a message.
constexpr std::size_t kHeadKept = 256;
}  // namespace

InputStream::InputStream(const std::filesystem::path& path)
    : name_(path.string()), path_for_zlib_(path.string()) {
  // zlib reads gzipped and plain files alike (plain ones are passed through), and it only ever
  // read()s the descriptor, so a pipe works as well as a file.
  file_ = gzopen(path.c_str(), "rb");
  if (!file_) {
    const int e = errno;
    throw InputError(name_ + ": cannot open (" + (e ? std::strerror(e) : "out of memory") + ")");
  }
  gzbuffer(file_, 1 << 17);
}

InputStream::~InputStream() {
  if (file_) gzclose(file_);
}

void InputStream::fail(int zlib_error, const char* zlib_message) const {
  if (zlib_error == Z_ERRNO) {
    throw InputError(name_ + ": cannot read (" + std::strerror(errno) + ")");
  }
  if (zlib_error == Z_BUF_ERROR) {
    // zlib does not fail the read that hits a premature end, it reports Z_BUF_ERROR; taking that
    // for a normal end is how a cut download used to load as a smaller dataset.
    throw InputError(name_ +
                     ": gzip data is truncated: the file ends inside the compressed stream (an "
                     "interrupted download or copy?)");
  }
  std::string detail = zlib_message ? zlib_message : "";
  const std::string prefix = path_for_zlib_ + ": ";  // zlib puts the path before its message
  if (detail.compare(0, prefix.size(), prefix) == 0) detail.erase(0, prefix.size());
  throw InputError(name_ + ": gzip data is corrupt (" + excerpt(detail) + ")");
}

std::size_t InputStream::read(char* out, std::size_t n) {
  if (n == 0) return 0;
  if (pending_pos_ < pending_.size()) {
    const std::size_t k = std::min(n, pending_.size() - pending_pos_);
    std::memcpy(out, pending_.data() + pending_pos_, k);
    pending_pos_ += k;
    if (pending_pos_ == pending_.size()) {
      pending_.clear();
      pending_pos_ = 0;
    }
    return k;
  }
  return read_file(out, n);
}

std::size_t InputStream::read_file(char* out, std::size_t n) {
  const int got = gzread(file_, out, static_cast<unsigned>(std::min<std::size_t>(n, 1u << 30)));
  int err = Z_OK;
  const char* message = gzerror(file_, &err);
  if (got < 0 || (got == 0 && err != Z_OK)) fail(err, message);
  // Counted after gunzip, and as it comes: /dev/zero or an endless pipe ends here, not never.
  bytes_read_ += static_cast<std::uint64_t>(got);
  if (bytes_read_ > kDatasetCsvLimit.max_bytes) refuse_over_limit(kDatasetCsvLimit, name_);
  return static_cast<std::size_t>(got);
}

std::string_view InputStream::peek(std::size_t n) {
  if (pending_pos_ > 0) {
    pending_.erase(0, pending_pos_);
    pending_pos_ = 0;
  }
  char buf[4096];
  while (pending_.size() < n) {
    const std::size_t got = read_file(buf, std::min(sizeof buf, n - pending_.size()));
    if (got == 0) break;
    pending_.append(buf, got);
  }
  return std::string_view(pending_).substr(0, n);
}

std::string InputStream::read_all() {
  std::string out;
  std::string chunk(kChunk, '\0');
  while (const std::size_t got = read(chunk.data(), chunk.size())) out.append(chunk, 0, got);
  return out;
}

void InputStream::check_rest() {
  std::string chunk(kChunk, '\0');
  while (read(chunk.data(), chunk.size()) > 0) {
  }
}

bool InputStream::compressed() const {
  return gzdirect(file_) == 0;
}

std::int64_t InputStream::file_offset() const {
  return gzoffset(file_);
}

LineReader::LineReader(InputStream& in, std::size_t max_line) : in_(in), max_line_(max_line) {}

bool LineReader::fill() {
  if (eof_) return false;
  if (pos_ > 0) {
    buf_.erase(0, pos_);
    pos_ = 0;
  }
  const std::size_t old = buf_.size();
  buf_.resize(old + kChunk);
  const std::size_t got = in_.read(buf_.data() + old, kChunk);
  buf_.resize(old + got);
  if (got == 0) eof_ = true;
  return got > 0;
}

bool LineReader::next(std::string_view* line, bool* too_long) {
  *too_long = false;
  std::size_t searched = 0;  // bytes after pos_ known to hold no newline
  while (true) {
    const char* start = buf_.data() + pos_;
    const std::size_t avail = buf_.size() - pos_;
    const auto* nl =
        static_cast<const char*>(std::memchr(start + searched, '\n', avail - searched));
    const std::size_t len = nl ? static_cast<std::size_t>(nl - start) : avail;
    if (len > max_line_) break;
    if (nl || (eof_ && avail > 0)) {
      *line = std::string_view(start, len);
      if (!line->empty() && line->back() == '\r') line->remove_suffix(1);
      pos_ += nl ? len + 1 : len;
      ++line_no_;
      return true;
    }
    if (eof_) return false;
    searched = avail;
    fill();
  }
  // Too long to be a row: keep its head for the message and skip the rest unstored.
  head_.assign(buf_, pos_, kHeadKept);
  while (true) {
    const char* start = buf_.data() + pos_;
    const auto* nl = static_cast<const char*>(std::memchr(start, '\n', buf_.size() - pos_));
    if (nl) {
      pos_ = static_cast<std::size_t>(nl - buf_.data()) + 1;
      break;
    }
    pos_ = buf_.size();
    if (!fill()) break;
  }
  *line = head_;
  *too_long = true;
  ++line_no_;
  return true;
}

}  // namespace emomusic::data
