#include "emomusic/music/csv_reader.hpp"

#include "emomusic/core/error.hpp"

namespace emomusic::music {

namespace {
constexpr int kEof = std::char_traits<char>::eof();
}

std::string csv_quote(const std::string& field) {
  if (field.find_first_of(",\"\r\n") == std::string::npos) return field;
  std::string out = "\"";
  for (const char c : field) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

CsvReader::CsvReader(std::istream& in, std::string source, char delimiter)
    : buf_(in.rdbuf()), source_(std::move(source)), delimiter_(delimiter) {
  // Spreadsheet programs write a UTF-8 byte-order mark that would otherwise end up in the first
  // header name.
  if (peek() == 0xEF) {
    get();
    if (get() != 0xBB || get() != 0xBF) {
      throw InputError(source_ + ":1: starts with a broken byte-order mark; not UTF-8 CSV");
    }
  }
}

int CsvReader::get() {
  const int c = buf_->sbumpc();
  return c == kEof ? kEof : static_cast<unsigned char>(c);
}

int CsvReader::peek() {
  const int c = buf_->sgetc();
  return c == kEof ? kEof : static_cast<unsigned char>(c);
}

bool CsvReader::next(std::vector<std::string>& fields) {
  fields.clear();
  // Skip blank lines between records.
  for (int c = peek(); c == '\n' || c == '\r'; c = peek()) {
    get();
    if (c == '\r' && peek() == '\n') get();
    ++line_;
  }
  if (peek() == kEof) return false;
  record_line_ = line_;

  std::string field;
  std::size_t bytes = 0;  // of the record so far
  const auto count = [&] {
    if (++bytes > kMaxCsvRecordBytes) {
      throw InputError(source_ + ":" + std::to_string(record_line_) + ": record is longer than " +
                       std::to_string(kMaxCsvRecordBytes) + " bytes; not a CSV of tracks?");
    }
  };
  for (;;) {
    int c = get();
    count();
    if (c == '"' && field.empty()) {
      const long quote_line = line_;
      for (;;) {
        c = get();
        count();
        if (c == kEof) {
          throw InputError(source_ + ":" + std::to_string(quote_line) +
                           ": quoted field is never closed (a missing '\"'?)");
        }
        if (c == '"') {
          if (peek() != '"') break;
          get();
        } else if (c == '\n') {
          ++line_;
        } else if (c == '\r' && peek() != '\n') {
          ++line_;  // a lone CR ends a line too; CRLF is counted at its LF
        }
        field.push_back(static_cast<char>(c));
      }
      c = get();
      if (c != delimiter_ && c != '\n' && c != '\r' && c != kEof) {
        throw InputError(source_ + ":" + std::to_string(line_) +
                         ": unexpected text after a closing quote (quotes inside a field must "
                         "be doubled)");
      }
    }
    if (c == delimiter_) {
      fields.push_back(std::move(field));
      field.clear();
      continue;
    }
    if (c == '\n' || c == '\r' || c == kEof) {
      if (c == '\r' && peek() == '\n') get();
      if (c != kEof) ++line_;
      fields.push_back(std::move(field));
      return true;
    }
    field.push_back(static_cast<char>(c));
  }
}

}  // namespace emomusic::music
