#include "emomusic/music/track.hpp"

#include <algorithm>
#include <cctype>

#include "emomusic/core/text.hpp"

namespace emomusic::music {

namespace {

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

std::vector<std::string> split_genres(std::string_view list) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= list.size()) {
    const size_t end = std::min(list.find(';', start), list.size());
    const std::string g = ascii_lower(trim_whitespace(list.substr(start, end - start)));
    if (!g.empty() && std::find(out.begin(), out.end(), g) == out.end()) out.push_back(g);
    start = end + 1;
  }
  return out;
}

bool is_letter_pair(std::string_view s) {
  return s.size() == 2 &&
         std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isalpha(c) != 0; });
}

// The names a language column may hold instead of a code: English names of the languages most
// sung in Spotify's catalog, for exports that spell them out. Anything rarer takes its code.
constexpr std::pair<std::string_view, std::string_view> kLanguageNames[] = {
    {"arabic", "ar"},     {"chinese", "zh"}, {"dutch", "nl"},      {"english", "en"},
    {"french", "fr"},     {"german", "de"},  {"greek", "el"},      {"hindi", "hi"},
    {"indonesian", "id"}, {"italian", "it"}, {"japanese", "ja"},   {"korean", "ko"},
    {"mandarin", "zh"},   {"polish", "pl"},  {"portuguese", "pt"}, {"russian", "ru"},
    {"spanish", "es"},    {"swedish", "sv"}, {"tagalog", "tl"},    {"turkish", "tr"},
};

}  // namespace

std::string track_uri(std::string_view id) {
  return "spotify:track:" + std::string(id);
}

std::string Track::uri() const {
  return track_uri(id);
}

std::string Track::url() const {
  return "https://open.spotify.com/track/" + id;
}

std::string Track::artist_line() const {
  std::string line;
  for (const auto& a : artists) line += (line.empty() ? "" : ", ") + a;
  return line;
}

bool is_spotify_id(std::string_view id) {
  return id.size() == 22 &&
         std::all_of(id.begin(), id.end(), [](unsigned char c) { return std::isalnum(c) != 0; });
}

std::optional<std::string> normalize_track_id(std::string_view text) {
  std::string_view s = trim_whitespace(text);
  constexpr std::string_view kUri = "spotify:track:";
  constexpr std::string_view kLinks[] = {"https://open.spotify.com/track/",
                                         "http://open.spotify.com/track/",
                                         "open.spotify.com/track/"};
  if (starts_with(s, kUri)) {
    s.remove_prefix(kUri.size());
  } else {
    for (auto link : kLinks) {
      if (starts_with(s, link)) {
        s.remove_prefix(link.size());
        // Shared links carry a tracking query ("?si=…") that is not part of the id.
        s = s.substr(0, s.find_first_of("?#/"));
        break;
      }
    }
  }
  if (!is_spotify_id(s)) return std::nullopt;
  return std::string(s);
}

std::optional<std::string> normalize_language(std::string_view text) {
  const std::string s = ascii_lower(trim_whitespace(text));
  for (const auto& [name, code] : kLanguageNames) {
    if (s == name) return std::string(code);
  }
  // "pt-BR", "en_US": the region says where, not which language.
  const std::string_view language = std::string_view(s).substr(0, s.find_first_of("-_"));
  const bool tag = language.size() == s.size() || s.size() > language.size() + 1;
  if (!tag || !is_letter_pair(language)) return std::nullopt;
  return std::string(language);
}

std::string merge_genres(std::string_view a, std::string_view b) {
  std::vector<std::string> all = split_genres(a);
  for (auto& g : split_genres(b)) {
    if (std::find(all.begin(), all.end(), g) == all.end()) all.push_back(std::move(g));
  }
  std::string out;
  for (const auto& g : all) out += (out.empty() ? "" : ";") + g;
  return out;
}

}  // namespace emomusic::music
