#pragma once
/// @file
/// A streaming RFC 4180 CSV reader: quoted fields may hold commas, line breaks and doubled quotes;
/// LF, CRLF and CR line ends; a UTF-8 byte-order mark is skipped. Nothing in it is specific to
/// music, but the catalog importer is its only user so far.

#include <cstddef>
#include <istream>
#include <string>
#include <vector>

namespace emomusic::music {

/// The longest record CsvReader accepts, in bytes. Real track rows are under 2 KB; the bound keeps
/// memory small whatever the file holds (a 1 GB line, or a million commas).
inline constexpr std::size_t kMaxCsvRecordBytes = 1 << 20;

/// `field` as one RFC 4180 field: quoted (inner quotes doubled) when it holds a comma, a quote or
/// a line break, so that CsvReader reads it back unchanged. For the CSV outputs of playlists and
/// the mood history.
std::string csv_quote(const std::string& field);

class CsvReader {
 public:
  /// `source` names the input in error messages ("tracks.csv").
  CsvReader(std::istream& in, std::string source, char delimiter = ',');

  /// Reads the next record into `fields`; returns false at the end of the input. Blank lines are
  /// skipped. Throws InputError naming the source and line for an unterminated quoted field or
  /// text after a closing quote, or a record longer than kMaxCsvRecordBytes, since nothing after
  /// such an error can be trusted.
  bool next(std::vector<std::string>& fields);

  /// The line on which the record last returned by next() starts (1-based). A quoted line break
  /// makes a record span several lines, so this differs from a record count.
  long record_line() const { return record_line_; }

 private:
  int get();
  int peek();

  std::streambuf* buf_;
  std::string source_;
  char delimiter_;
  long line_ = 1;
  long record_line_ = 0;
};

}  // namespace emomusic::music
