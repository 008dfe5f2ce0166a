#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <string_view>

#include "emomusic/core/progress.hpp"
#include "formats.hpp"

namespace emomusic::data {
namespace {

constexpr int kPixels = kFerSide * kFerSide;

// zlib reads gzipped and plain files alike, so one path serves both.
std::string read_maybe_gzipped(const std::filesystem::path& path) {
  gzFile f = gzopen(path.c_str(), "rb");
  if (!f) throw InputError(path.string() + ": cannot open (missing or unreadable)");
  gzbuffer(f, 1 << 20);
  std::string out;
  char buf[1 << 16];
  int n;
  while ((n = gzread(f, buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
  int err = Z_OK;
  const char* msg = gzerror(f, &err);
  const std::string message = msg ? msg : "";
  gzclose(f);
  if (n < 0 || (err != Z_OK && err != Z_BUF_ERROR)) {
    throw InputError(path.string() + ": read failed: " + message + " (corrupt or truncated gzip?)");
  }
  return out;
}

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
    std::string f(fields[i]);
    std::transform(f.begin(), f.end(), f.begin(),
                   [](unsigned char ch) { return std::tolower(ch); });
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

// Parses space-separated integers 0..255 into `out`; returns an error message or empty.
std::string parse_pixels(std::string_view text, std::uint8_t* out) {
  int count = 0;
  const char* p = text.data();
  const char* end = p + text.size();
  while (p < end) {
    while (p < end && *p == ' ') ++p;
    if (p == end) break;
    const char* start = p;
    int value = 0;
    while (p < end && *p >= '0' && *p <= '9') {
      value = value * 10 + (*p - '0');
      if (value > 100000) value = 100000;  // stays "out of range" without overflowing
      ++p;
    }
    if (p == start || (p < end && *p != ' ')) {
      const char* tok_end = std::find(start, end, ' ');
      return "pixel " + std::to_string(count + 1) + " '" + std::string(start, tok_end) +
             "' is not a number";
    }
    if (value > 255) {
      return "pixel " + std::to_string(count + 1) + " is " + std::to_string(value) +
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

FaceDataset load_fer_csv(const std::filesystem::path& path, DatasetBuilder& builder,
                         bool show_progress) {
  const std::string text = read_maybe_gzipped(path);
  const std::string name = path.string();
  const auto lines_total = std::count(text.begin(), text.end(), '\n');
  builder.reserve(static_cast<size_t>(lines_total));
  Progress progress("parse " + path.filename().string(), lines_total, "rows",
                    show_progress ? Progress::Style::kAuto : Progress::Style::kQuiet);

  std::string_view rest(text);
  Columns cols;
  bool first = true;
  std::int64_t line_no = 0;
  std::uint8_t pixels[kPixels];
  std::string usage;
  while (!rest.empty()) {
    const size_t nl = rest.find('\n');
    std::string_view line = rest.substr(0, nl);
    rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
    ++line_no;
    if ((line_no & 1023) == 0) progress.advance(1024);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    const std::string where = name + ":" + std::to_string(line_no) + ": ";
    if (first) {
      first = false;
      bool is_header = false;
      cols = parse_header(line, &is_header);
      if (is_header) {
        if (cols.emotion < 0 || cols.pixels < 0) {
          throw InputError(where + "header '" + std::string(line) +
                           "' lacks an 'emotion' or 'pixels' column (is this FER2013?)");
        }
        continue;
      }
    }
    const auto fields = split_fields(line);
    if (fields.size() != cols.count) {
      builder.bad(where + "expected " + std::to_string(cols.count) + " fields, got " +
                  std::to_string(fields.size()));
      continue;
    }
    const auto label_text = fields[static_cast<size_t>(cols.emotion)];
    int label = -1;
    if (label_text.size() == 1 && label_text[0] >= '0' && label_text[0] <= '9')
      label = label_text[0] - '0';
    if (label < 0 || label > 6) {
      builder.bad(where + "emotion label '" + std::string(label_text) + "' is outside 0..6");
      continue;
    }
    if (const auto err = parse_pixels(fields[static_cast<size_t>(cols.pixels)], pixels);
        !err.empty()) {
      builder.bad(where + err);
      continue;
    }
    if (cols.usage >= 0) {
      const auto u = fields[static_cast<size_t>(cols.usage)];
      if (!canonical_usage(u, &usage)) {
        builder.bad(where + "unknown Usage '" + std::string(u) +
                    "' (expected Training, PublicTest or PrivateTest)");
        continue;
      }
    } else {
      usage = kAll;
    }
    builder.add(pixels, label, usage);
  }
  progress.advance(line_no - progress.done());
  progress.finish();
  return builder.finish(name);
}

}  // namespace emomusic::data
