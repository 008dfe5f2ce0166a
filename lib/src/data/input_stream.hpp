#pragma once
// A data file read front to back exactly once, gzipped or plain, from a regular file or a pipe
// (`--data <(zcat …)`). Nothing here seeks or sizes the file, and memory is one chunk (plus one
// line for LineReader), whatever the file holds: a gzip bomb of empty lines costs time, not RAM.
// At most kDatasetCsvLimit bytes (after gunzip) are read: a device or pipe that never ends is
// refused there.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

struct gzFile_s;

namespace emomusic::data {

class InputStream {
 public:
  /// Throws InputError naming the file when it cannot be opened.
  explicit InputStream(const std::filesystem::path& path);
  ~InputStream();
  InputStream(const InputStream&) = delete;
  InputStream& operator=(const InputStream&) = delete;

  /// Up to `n` bytes into `out`; 0 only at the end. Throws InputError naming the file when the
  /// gzip data is truncated or corrupt, or the file cannot be read: a damaged file never looks
  /// like a shorter one.
  std::size_t read(char* out, std::size_t n);
  /// The first `n` bytes still to be read (fewer at the end); they stay to be read again.
  std::string_view peek(std::size_t n);
  /// Everything left. Only for forms that must be whole to be parsed (a packed dataset).
  std::string read_all();
  /// Decompresses the rest only to check it; throws as read() does when it is damaged.
  void check_rest();
  /// Whether the data is gzip (known once something was read).
  bool compressed() const;
  /// Bytes of the file itself (compressed, for gzip) consumed so far; -1 when not known (pipe).
  std::int64_t file_offset() const;
  const std::string& name() const { return name_; }

 private:
  std::size_t read_file(char* out, std::size_t n);
  [[noreturn]] void fail(int zlib_error, const char* zlib_message) const;

  gzFile_s* file_ = nullptr;
  std::string name_;
  std::string path_for_zlib_;
  std::string pending_;  // peeked bytes not yet read
  std::size_t pending_pos_ = 0;
  std::uint64_t bytes_read_ = 0;  // after gunzip
};

/// Splits an InputStream into lines without holding more than `max_line` bytes of one.
class LineReader {
 public:
  LineReader(InputStream& in, std::size_t max_line);

  /// The next line without its "\n" or "\r\n"; false at the end. A line longer than `max_line`
  /// is skipped to its end without being stored; `*too_long` is then true and `*line` holds its
  /// first bytes only (enough to quote).
  bool next(std::string_view* line, bool* too_long);
  /// Lines returned so far (1-based number of the last one).
  std::int64_t line_number() const { return line_no_; }

 private:
  bool fill();  // appends one chunk; false at the end

  InputStream& in_;
  std::size_t max_line_;
  std::string buf_;
  std::size_t pos_ = 0;
  std::string head_;  // of the last line too long to keep
  bool eof_ = false;
  std::int64_t line_no_ = 0;
};

}  // namespace emomusic::data
