#include <algorithm>
#include <cctype>
#include <cstring>
#include <string_view>

#include "emomusic/core/progress.hpp"
#include "emomusic/core/text.hpp"
#include "formats.hpp"
#include "input_stream.hpp"

namespace emomusic::data {
namespace {

constexpr int kPixels = kFerSide * kFerSide;
// A FER2013 row is under 10 KB ("6," + 2304 × "255 " + ",PrivateTest"); a hundred times that
// leaves room for padding while a line of 100 MB is never held whole.
constexpr std::size_t kMaxLine = 1 << 20;
constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '"' || s.front() == '\r'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '"' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> split_fields(std::string_view line) {
  std::vector<std::string_view> fields;
  size_t start = 0;
  while (true) {
    const size_t comma = line.find(',', start);
    fields.push_back(trim(line.substr(start, comma - start)));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return fields;
}

struct Columns {
  int emotion = 0, pixels = 1, usage = 2;
  size_t count = 3;
};

// Column positions from the header; FER2013's own order when there is no header.
Columns parse_header(std::string_view first, bool* is_header) {
  const auto fields = split_fields(first);
  Columns c;
  *is_header = !fields.empty() && !fields[0].empty() &&
               !std::isdigit(static_cast<unsigned char>(fields[0][0]));
  if (!*is_header) return c;
  c = Columns{-1, -1, -1, fields.size()};
  for (size_t i = 0; i < fields.size(); ++i) {
    const std::string f = ascii_lower(fields[i]);
    if (f == "emotion") c.emotion = static_cast<int>(i);
    if (f == "pixels") c.pixels = static_cast<int>(i);
    if (f == "usage") c.usage = static_cast<int>(i);
  }
  return c;
}

bool canonical_usage(std::string_view u, std::string* out) {
  for (const char* s : {kTraining, kPublicTest, kPrivateTest}) {
    if (u == s) {
      *out = s;
      return true;
    }
  }
  return false;
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// The label 0..6, or an error message.
std::string parse_label(std::string_view text, int* label) {
  const std::string quoted = "emotion label '" + excerpt(text, 40) + "'";
  const bool negative = !text.empty() && text.front() == '-';
  if (!all_digits(negative ? text.substr(1) : text)) {
    return quoted + " is not a whole number (expected 0..6)";
  }
  int value = 0;
  for (const char c : negative ? text.substr(1) : text) value = std::min(value * 10 + (c - '0'), 7);
  if (negative && value != 0) return quoted + " is outside 0..6";
  if (value > 6) return quoted + " is outside 0..6";
  *label = value;
  return {};
}

// Parses space-separated integers 0..255 into `out`; returns an error message or empty.
std::string parse_pixels(std::string_view text, std::uint8_t* out) {
  int count = 0;
  const char* p = text.data();
  const char* end = p + text.size();
  while (p < end) {
    while (p < end && *p == ' ') ++p;
    if (p == end) break;
    const char* start = p;
    const char* tok_end = std::find(start, end, ' ');
    const std::string_view token(start, static_cast<size_t>(tok_end - start));
    p = tok_end;
    const bool negative = token.front() == '-';
    if (!all_digits(negative ? token.substr(1) : token)) {
      return "pixel " + std::to_string(count + 1) + " '" + excerpt(token, 40) + "' is not a number";
    }
    int value = 0;
    for (const char c : negative ? token.substr(1) : token) {
      value = std::min(value * 10 + (c - '0'), 256);  // stays out of range without overflowing
    }
    if (value > 255 || (negative && value != 0)) {
      // The value as written, not as parsed: "100000", not a clamped stand-in.
      return "pixel " + std::to_string(count + 1) + " is " + excerpt(token, 40) +
             ", outside 0..255";
    }
    if (count < kPixels) out[count] = static_cast<std::uint8_t>(value);
    ++count;
  }
  if (count != kPixels) {
    return "expected " + std::to_string(kPixels) + " pixels, got " + std::to_string(count);
  }
  return {};
}

}  // namespace

FaceDataset load_fer_csv(InputStream& in, DatasetBuilder& builder, bool show_progress,
                         std::int64_t file_size) {
  const std::string& name = in.name();
  const std::string_view start = in.peek(4);
  if (start.substr(0, 2) == "\xFF\xFE" || start.substr(0, 2) == "\xFE\xFF") {
    throw InputError(name + ": the text is UTF-16; save the CSV as UTF-8 (or plain ASCII)");
  }
  // Progress in MiB of the file where its size is known; rows, without a total, for a pipe.
  const bool by_size = file_size > 0 && in.file_offset() >= 0;
  const std::int64_t total_mib = by_size ? (file_size + (1 << 20) - 1) >> 20 : 0;
  Progress progress("parse " + std::filesystem::path(name).filename().string(), total_mib,
                    by_size ? "MiB" : "rows",
                    show_progress ? Progress::Style::kAuto : Progress::Style::kQuiet);

  LineReader lines(in, kMaxLine);
  Columns cols;
  bool first = true;
  std::uint8_t pixels[kPixels];
  std::string usage;
  std::string_view line;
  bool too_long = false;
  const auto where = [&] { return name + ":" + std::to_string(lines.line_number()) + ": "; };
  const auto bad = [&](const std::string& message) {
    try {
      builder.bad(where() + message);
    } catch (const InputError&) {
      // Damaged gzip data decompresses to garbage before zlib notices; blame the file, not the
      // garbage line, when that is what happened.
      if (in.compressed()) in.check_rest();
      throw;
    }
  };
  while (lines.next(&line, &too_long)) {
    if ((lines.line_number() & 1023) == 0) {
      progress.advance(by_size ? (in.file_offset() >> 20) - progress.done() : 1024);
    }
    if (lines.line_number() == 1 && line.substr(0, kUtf8Bom.size()) == kUtf8Bom) {
      line.remove_prefix(kUtf8Bom.size());  // spreadsheets save "UTF-8 CSV" with a BOM
    }
    if (too_long) {
      bad("line is longer than 1 MiB, so not a FER2013 row (one is under 10 KB); it starts '" +
          excerpt(line.substr(0, 60)) + "…'");
      continue;
    }
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;  // blank
    if (first) {
      first = false;
      bool is_header = false;
      cols = parse_header(line, &is_header);
      if (is_header) {
        if (cols.emotion < 0 || cols.pixels < 0) {
          const bool other_separator = line.find(',') == std::string_view::npos &&
                                       line.find_first_of(";\t") != std::string_view::npos;
          throw InputError(
              where() + "header '" + excerpt(line) + "' lacks an 'emotion' or 'pixels' column (" +
              (other_separator ? "its fields are not separated by commas" : "is this FER2013?") +
              ")");
        }
        continue;
      }
    }
    // Counted before splitting: a line of a million commas must not become a million fields.
    const auto count = static_cast<size_t>(std::count(line.begin(), line.end(), ',')) + 1;
    if (count != cols.count) {
      bad("expected " + std::to_string(cols.count) + " fields, got " + std::to_string(count));
      continue;
    }
    const auto fields = split_fields(line);
    int label = -1;
    if (auto err = parse_label(fields[static_cast<size_t>(cols.emotion)], &label); !err.empty()) {
      bad(err);
      continue;
    }
    if (const auto err = parse_pixels(fields[static_cast<size_t>(cols.pixels)], pixels);
        !err.empty()) {
      bad(err);
      continue;
    }
    if (cols.usage >= 0) {
      const auto u = fields[static_cast<size_t>(cols.usage)];
      if (!canonical_usage(u, &usage)) {
        bad("unknown Usage '" + excerpt(u, 40) +
            "' (expected Training, PublicTest or PrivateTest)");
        continue;
      }
    } else {
      usage = kAll;
    }
    builder.add(pixels, label, usage);
  }
  progress.advance(
      std::max<std::int64_t>(0, (by_size ? total_mib : lines.line_number()) - progress.done()));
  progress.finish();
  return builder.finish(name);
}

}  // namespace emomusic::data
