#include "emomusic/music/playlist_format.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "emomusic/core/error.hpp"
#include "emomusic/core/named_values.hpp"
#include "emomusic/core/text.hpp"
#include "emomusic/music/csv_reader.hpp"

namespace emomusic::music {

namespace {

using json = nlohmann::ordered_json;

json feature(double v) {
  return known(v) ? json(v) : json(nullptr);
}

json to_json(const Recommendation& r, int rank) {
  const Track& t = r.track;
  json j = {{"rank", rank},
            {"id", t.id},
            {"name", t.name},
            {"artists", t.artists},
            {"album", t.album},
            {"genre", t.genre},
            {"year", t.year > 0 ? json(t.year) : json(nullptr)},
            {"language", t.language.empty() ? json(nullptr) : json(t.language)},
            {"popularity", t.popularity >= 0 ? json(t.popularity) : json(nullptr)},
            {"explicit", t.explicit_lyrics},
            {"duration_ms", t.duration_ms > 0 ? json(t.duration_ms) : json(nullptr)},
            {"valence", t.valence},
            {"energy", t.energy},
            {"danceability", feature(t.danceability)},
            {"tempo", feature(t.tempo)},
            {"acousticness", feature(t.acousticness)},
            {"uri", t.uri()},
            {"url", t.url()}};
  // A track from the Spotify top-up has no distance (its features are unknown); its target says
  // where it came from.
  j["why"] = {{"distance", std::isnan(r.distance) ? json(nullptr) : json(r.distance)},
              {"target", r.target},
              {"step", r.step},
              {"steps", r.steps}};
  return j;
}

// Line-based formats (the table, M3U) hold one track per line: a line break or another control
// byte in a name (imported from any CSV) must not start a new entry or drive the terminal.
std::string one_line(const std::string& s) {
  std::string out = s;
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) c = ' ';
  }
  return out;
}

std::string optional_number(double v, const char* spec) {
  return known(v) ? fmt::format(fmt::runtime(spec), v) : "";
}

std::size_t display_width(const std::string& s) {
  std::size_t chars = 0;
  for (unsigned char c : s) chars += (c & 0xC0) != 0x80;
  return chars;
}

// Cuts at a character boundary so multi-byte UTF-8 names are never split mid-character.
std::string fit(const std::string& s, std::size_t width) {
  if (display_width(s) <= width) return s;
  std::size_t chars = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) continue;
    if (chars++ == width - 1) return s.substr(0, i) + "…";
  }
  return s;
}

std::string pad(const std::string& s, std::size_t width) {
  const std::size_t w = display_width(s);
  return s + std::string(w < width ? width - w : 0, ' ');
}

void write_table(std::ostream& out, const std::vector<Recommendation>& playlist) {
  const bool has_why = !playlist.empty() && !std::isnan(playlist.front().distance);
  out << fmt::format("{:>3}  {}  {}  {:>5}  {:>5}  {}{}\n", "#", pad("title", 32),
                     pad("artists", 26), "val", "nrg", has_why ? "dist   " : "", "link");
  int rank = 0;
  for (const auto& r : playlist) {
    const Track& t = r.track;
    out << fmt::format("{:>3}  {}  {}  {:>5.2f}  {:>5.2f}  {}{}\n", ++rank,
                       pad(fit(one_line(t.name), 31), 32),
                       pad(fit(one_line(t.artist_line()), 25), 26), t.valence, t.energy,
                       has_why ? fmt::format("{:<5.3f}  ", r.distance) : "", t.url());
  }
}

void write_csv(std::ostream& out, const std::vector<Recommendation>& playlist) {
  out << "rank,id,name,artists,album,genre,year,language,popularity,explicit,valence,energy,"
         "danceability,tempo,acousticness,uri,url,distance,target\n";
  int rank = 0;
  for (const auto& r : playlist) {
    const Track& t = r.track;
    std::string artists;
    for (const auto& a : t.artists) artists += (artists.empty() ? "" : ";") + a;
    out << ++rank << ',' << t.id << ',' << csv_quote(t.name) << ',' << csv_quote(artists) << ','
        << csv_quote(t.album) << ',' << csv_quote(t.genre) << ','
        << (t.year > 0 ? std::to_string(t.year) : "") << ',' << t.language << ','
        << (t.popularity >= 0 ? std::to_string(t.popularity) : "") << ','
        << (t.explicit_lyrics ? "true" : "false") << ',' << optional_number(t.valence, "{:.4g}")
        << ',' << optional_number(t.energy, "{:.4g}") << ','
        << optional_number(t.danceability, "{:.4g}") << ',' << optional_number(t.tempo, "{:.1f}")
        << ',' << optional_number(t.acousticness, "{:.4g}") << ',' << t.uri() << ',' << t.url()
        << ',' << optional_number(r.distance, "{:.4f}") << ',' << csv_quote(r.target) << '\n';
  }
}

void write_m3u(std::ostream& out, const std::vector<Recommendation>& playlist) {
  out << "#EXTM3U\n";
  for (const auto& r : playlist) {
    const Track& t = r.track;
    // -1 is M3U's "length unknown".
    const long long seconds = t.duration_ms > 0 ? (t.duration_ms + 500) / 1000 : -1;
    out << "#EXTINF:" << seconds << ',' << one_line(t.artist_line()) << " - " << one_line(t.name)
        << '\n'
        << t.url() << '\n';
  }
}

}  // namespace

const std::vector<std::string>& playlist_format_names() {
  static const std::vector<std::string> names{"table", "json", "csv", "m3u", "uris"};
  return names;  // in PlaylistFormat's order
}

PlaylistFormat playlist_format_from_string(std::string_view text) {
  return parse_named<PlaylistFormat>(playlist_format_names(), text, "format");
}

json playlist_to_json(const std::vector<Recommendation>& playlist) {
  json list = json::array();
  int rank = 0;
  for (const auto& r : playlist) list.push_back(to_json(r, ++rank));
  return list;
}

void write_playlist(std::ostream& out, const std::vector<Recommendation>& playlist,
                    PlaylistFormat format) {
  switch (format) {
    case PlaylistFormat::kTable:
      write_table(out, playlist);
      break;
    case PlaylistFormat::kJson:
      out << dump_json(playlist_to_json(playlist), 2) << '\n';
      break;
    case PlaylistFormat::kCsv:
      write_csv(out, playlist);
      break;
    case PlaylistFormat::kM3u:
      write_m3u(out, playlist);
      break;
    case PlaylistFormat::kUris:
      for (const auto& r : playlist) out << r.track.uri() << '\n';
      break;
  }
}

}  // namespace emomusic::music
