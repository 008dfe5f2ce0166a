#include "emomusic/music/csv_layout.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>

#include "emomusic/core/error.hpp"
#include "emomusic/core/text.hpp"

namespace emomusic::music {

namespace {

constexpr std::pair<Field, std::string_view> kFieldNames[] = {
    {Field::kId, "id"},
    {Field::kName, "name"},
    {Field::kArtists, "artists"},
    {Field::kAlbum, "album"},
    {Field::kGenre, "genre"},
    {Field::kYear, "year"},
    {Field::kReleaseDate, "release_date"},
    {Field::kPopularity, "popularity"},
    {Field::kExplicit, "explicit"},
    {Field::kDurationMs, "duration_ms"},
    {Field::kValence, "valence"},
    {Field::kEnergy, "energy"},
    {Field::kDanceability, "danceability"},
    {Field::kTempo, "tempo"},
    {Field::kAcousticness, "acousticness"},
    {Field::kLanguage, "language"},
};

constexpr Field kRequired[] = {Field::kId, Field::kName, Field::kArtists, Field::kValence,
                               Field::kEnergy};

std::string lower_trimmed(std::string_view s) {
  return ascii_lower(trim_whitespace(s));
}

std::string trimmed(std::string_view s) {
  return std::string(trim_whitespace(s));
}

std::optional<std::size_t> find_column(const std::vector<std::string>& header,
                                       const std::string& name) {
  const std::string wanted = lower_trimmed(name);
  for (std::size_t i = 0; i < header.size(); ++i) {
    if (lower_trimmed(header[i]) == wanted) return i;
  }
  return std::nullopt;
}

std::optional<double> to_number(const std::string& text) {
  if (text.empty()) return std::nullopt;
  // Decimal numbers only: strtod also takes hexadecimal ("0x1p-1"), "inf" and "nan", which no
  // export writes and which would then be read as valid features.
  const bool decimal = std::all_of(text.begin(), text.end(), [](unsigned char c) {
    return std::isdigit(c) || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E';
  });
  if (!decimal) return std::nullopt;
  errno = 0;
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (errno != 0 || end != text.c_str() + text.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

// Thrown inside RowParser::parse for a bad value; turned into ParsedRow::problem there.
struct BadValue {
  std::string message;
};

class Fields {
 public:
  Fields(const std::map<Field, std::size_t>& index, const std::vector<std::string>& record)
      : index_(index), record_(record) {}

  // Empty when the layout has no such column or the cell is blank.
  std::string text(Field f) const {
    auto it = index_.find(f);
    return it == index_.end() ? std::string() : trimmed(record_[it->second]);
  }

  std::optional<double> number(Field f, double lo, double hi) const {
    const std::string t = text(f);
    if (t.empty()) return std::nullopt;
    const auto v = to_number(t);
    if (!v) throw BadValue{std::string(field_name(f)) + " '" + excerpt(t) + "' is not a number"};
    if (*v < lo || *v > hi) {
      throw BadValue{std::string(field_name(f)) + " " + excerpt(t) + " is outside " + format(lo) +
                     ".." + format(hi)};
    }
    return v;
  }

  std::optional<long long> integer(Field f, double lo, double hi) const {
    const auto v = number(f, lo, hi);
    if (!v) return std::nullopt;
    // Pandas writes integer columns with missing values as floats ("68.0").
    if (std::floor(*v) != *v) {
      throw BadValue{std::string(field_name(f)) + " '" + excerpt(text(f)) +
                     "' is not a whole number"};
    }
    return static_cast<long long>(*v);
  }

 private:
  static std::string format(double v) {
    std::string s = std::to_string(v);
    s.erase(s.find_last_not_of('0') + 1);
    if (!s.empty() && s.back() == '.') s.pop_back();
    return s;
  }

  const std::map<Field, std::size_t>& index_;
  const std::vector<std::string>& record_;
};

// The release date forms found in Spotify exports: "1982", "1982-10", "1982-10-27" (Spotify's
// own, also with a time after 'T') and "27-10-1982" (spreadsheets). Anything else, and dates
// that do not exist ("32-13-2020"), is a bad value rather than a guess.
int year_from_date(const std::string& date) {
  const BadValue bad{"release_date '" + excerpt(date) +
                     "' is not a date (expected YYYY, YYYY-MM, YYYY-MM-DD or DD-MM-YYYY)"};
  const std::string day_part = date.substr(0, date.find('T'));
  std::vector<std::string> parts{""};
  for (const char c : day_part) {
    if (c == '-') {
      parts.emplace_back();
    } else if (std::isdigit(static_cast<unsigned char>(c))) {
      parts.back() += c;
    } else {
      throw bad;
    }
  }
  if (parts.size() > 3) throw bad;
  if (parts.size() == 3 && parts[2].size() == 4) std::swap(parts[0], parts[2]);  // DD-MM-YYYY
  if (parts[0].size() != 4) throw bad;
  for (std::size_t i = 1; i < parts.size(); ++i) {
    if (parts[i].empty() || parts[i].size() > 2) throw bad;
  }
  const int year = std::stoi(parts[0]);
  if (year < 1000 || year > 2100) throw bad;
  if (parts.size() >= 2) {
    const int month = std::stoi(parts[1]);
    if (month < 1 || month > 12) throw bad;
    if (parts.size() == 3) {
      static constexpr int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
      const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
      const int day = std::stoi(parts[2]);
      if (day < 1 || day > kDays[month - 1] || (month == 2 && day == 29 && !leap)) throw bad;
    }
  }
  return year;
}

bool to_bool(const std::string& text) {
  const std::string t = lower_trimmed(text);
  if (t == "true" || t == "1" || t == "yes") return true;
  if (t == "false" || t == "0" || t == "no") return false;
  throw BadValue{"explicit '" + excerpt(text) + "' is not true/false"};
}

std::vector<std::string> split_artists(const std::string& text, const std::string& separator) {
  std::vector<std::string> out;
  if (separator.empty()) {
    if (!text.empty()) out.push_back(text);
    return out;
  }
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t end = std::min(text.find(separator, start), text.size());
    std::string artist = trimmed(std::string_view(text).substr(start, end - start));
    if (!artist.empty()) out.push_back(std::move(artist));
    start = end + separator.size();
  }
  return out;
}

}  // namespace

std::string_view field_name(Field f) {
  for (const auto& [field, name] : kFieldNames) {
    if (field == f) return name;
  }
  return "?";
}

const std::vector<CsvLayout>& known_layouts() {
  static const std::vector<CsvLayout> kLayouts = {
      {"kaggle-114k",
       {{Field::kId, "track_id"},
        {Field::kName, "track_name"},
        {Field::kArtists, "artists"},
        {Field::kAlbum, "album_name"},
        {Field::kGenre, "track_genre"},
        {Field::kPopularity, "popularity"},
        {Field::kExplicit, "explicit"},
        {Field::kDurationMs, "duration_ms"},
        {Field::kValence, "valence"},
        {Field::kEnergy, "energy"},
        {Field::kDanceability, "danceability"},
        {Field::kTempo, "tempo"},
        {Field::kAcousticness, "acousticness"}},
       ";"},
      {"tracks-14k",
       {{Field::kId, "track_id"},
        {Field::kName, "track"},
        {Field::kArtists, "artist"},
        {Field::kYear, "year"},
        {Field::kPopularity, "popularity"},
        {Field::kDurationMs, "duration_ms"},
        {Field::kValence, "valence"},
        {Field::kEnergy, "energy"},
        {Field::kDanceability, "danceability"},
        {Field::kTempo, "tempo"},
        {Field::kAcousticness, "acousticness"}},
       ""},
      {"moods",
       {{Field::kId, "id"},
        {Field::kName, "name"},
        {Field::kArtists, "artist"},
        {Field::kAlbum, "album"},
        {Field::kReleaseDate, "release_date"},
        {Field::kPopularity, "popularity"},
        {Field::kDurationMs, "length"},
        {Field::kValence, "valence"},
        {Field::kEnergy, "energy"},
        {Field::kDanceability, "danceability"},
        {Field::kTempo, "tempo"},
        {Field::kAcousticness, "acousticness"}},
       ""},
  };
  return kLayouts;
}

const CsvLayout& detect_layout(const std::vector<std::string>& header, const std::string& source) {
  for (const auto& layout : known_layouts()) {
    const bool fits = std::all_of(layout.columns.begin(), layout.columns.end(), [&](const auto& c) {
      return find_column(header, c.second).has_value();
    });
    if (fits) return layout;
  }
  std::string names;
  for (const auto& layout : known_layouts()) names += (names.empty() ? "" : ", ") + layout.name;
  throw UnknownLayoutError(source + ":1: the header matches no known layout (" + names +
                           "); name its columns in a column map, e.g. "
                           "id=track_id,name=title,artists=artist,valence=valence,energy=energy");
}

CsvLayout parse_column_map(std::string_view spec) {
  CsvLayout layout{"column-map", {}, ""};
  std::size_t start = 0;
  while (start < spec.size()) {
    const std::size_t end = std::min(spec.find(',', start), spec.size());
    const std::string_view pair = spec.substr(start, end - start);
    start = end + 1;
    const std::size_t eq = pair.find('=');
    if (eq == std::string_view::npos) {
      throw UsageError("column map '" + excerpt(spec) + "': '" + excerpt(pair) +
                       "' is not FIELD=COLUMN");
    }
    const std::string key = lower_trimmed(pair.substr(0, eq));
    const std::string value = trimmed(pair.substr(eq + 1));
    if (key == "artist_separator") {
      layout.artist_separator = value;
      continue;
    }
    auto it = std::find_if(std::begin(kFieldNames), std::end(kFieldNames),
                           [&](const auto& f) { return f.second == key; });
    if (it == std::end(kFieldNames)) {
      std::string known;
      for (const auto& f : kFieldNames) known += std::string(known.empty() ? "" : ", ") += f.second;
      throw UsageError("column map '" + excerpt(spec) + "': unknown field '" + excerpt(key) +
                       "'; fields are " + known + ", artist_separator");
    }
    layout.columns[it->first] = value;
  }
  for (Field f : kRequired) {
    if (!layout.columns.count(f)) {
      throw UsageError("column map '" + excerpt(spec) + "' names no column for '" +
                       std::string(field_name(f)) +
                       "' (id, name, artists, valence and energy are required)");
    }
  }
  return layout;
}

RowParser::RowParser(const CsvLayout& layout, const std::vector<std::string>& header,
                     const std::string& source)
    : layout_(layout), header_size_(header.size()) {
  std::map<std::string, std::size_t> seen;  // a column's name → its first position
  for (std::size_t i = 0; i < header.size(); ++i) {
    const std::string name = lower_trimmed(header[i]);
    if (name.empty()) continue;  // unnamed columns (a spreadsheet's index) are never read
    const auto [first, inserted] = seen.emplace(name, i);
    if (!inserted) {
      throw InputError(source + ":1: the header names column '" + excerpt(trimmed(header[i])) +
                       "' twice (columns " + std::to_string(first->second + 1) + " and " +
                       std::to_string(i + 1) + ")");
    }
  }
  if (!layout_.columns.count(Field::kLanguage)) {
    for (const auto name : kLanguageHeaders) {
      if (find_column(header, std::string(name))) {
        layout_.columns[Field::kLanguage] = std::string(name);
        break;
      }
    }
  }
  for (const auto& [field, column] : layout_.columns) {
    auto i = find_column(header, column);
    if (!i) {
      throw InputError(source + ":1: no column '" + excerpt(column) + "' (for " +
                       std::string(field_name(field)) + ") in the header");
    }
    index_[field] = *i;
  }
}

ParsedRow RowParser::parse(const std::vector<std::string>& record) const {
  if (record.size() != header_size_) {
    return {std::nullopt, "expected " + std::to_string(header_size_) + " fields, got " +
                              std::to_string(record.size())};
  }
  const Fields f(index_, record);
  try {
    Track t;
    const std::string raw_id = f.text(Field::kId);
    if (raw_id.empty()) return {std::nullopt, "id is empty"};
    auto id = normalize_track_id(raw_id);
    if (!id)
      return {std::nullopt, "id '" + excerpt(raw_id) + "' is not a Spotify track id, URI or link"};
    t.id = std::move(*id);
    t.name = f.text(Field::kName);
    if (t.name.empty()) return {std::nullopt, "name is empty"};
    t.artists = split_artists(f.text(Field::kArtists), layout_.artist_separator);
    if (t.artists.empty()) return {std::nullopt, "artists is empty"};
    t.album = f.text(Field::kAlbum);
    t.genre = merge_genres("", f.text(Field::kGenre));

    const auto valence = f.number(Field::kValence, 0, 1);
    const auto energy = f.number(Field::kEnergy, 0, 1);
    if (!valence) return {std::nullopt, "valence is empty"};
    if (!energy) return {std::nullopt, "energy is empty"};
    t.valence = *valence;
    t.energy = *energy;
    t.danceability = f.number(Field::kDanceability, 0, 1).value_or(kUnknownFeature);
    t.acousticness = f.number(Field::kAcousticness, 0, 1).value_or(kUnknownFeature);
    // Spotify reports tempo 0 for tracks it could not beat-track: unknown, not "very slow".
    const double tempo = f.number(Field::kTempo, 0, 400).value_or(0.0);
    t.tempo = tempo > 0 ? tempo : kUnknownFeature;

    if (auto year = f.integer(Field::kYear, 1000, 2100)) {
      t.year = static_cast<int>(*year);
    } else if (const std::string date = f.text(Field::kReleaseDate); !date.empty()) {
      t.year = year_from_date(date);
    }
    t.popularity = static_cast<int>(f.integer(Field::kPopularity, 0, 100).value_or(-1));
    t.duration_ms = f.integer(Field::kDurationMs, 0, 1e9).value_or(0);
    if (const std::string e = f.text(Field::kExplicit); !e.empty()) t.explicit_lyrics = to_bool(e);
    // A language is a filter, not a feature: a track whose language cannot be read is still
    // worth ranking, so it is kept with its language unknown rather than skipped.
    std::string dropped;
    if (const std::string language = f.text(Field::kLanguage); !language.empty()) {
      if (auto code = normalize_language(language)) {
        t.language = std::move(*code);
      } else {
        dropped = "language '" + excerpt(language) +
                  "' is neither a two-letter code nor a known name; the track is kept with its "
                  "language unknown";
      }
    }
    return {std::move(t), {}, std::move(dropped)};
  } catch (const BadValue& bad) {
    return {std::nullopt, bad.message};
  }
}

}  // namespace emomusic::music
