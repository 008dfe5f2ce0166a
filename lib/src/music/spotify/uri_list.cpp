#include "emomusic/music/spotify/uri_list.hpp"

#include <cctype>

#include "emomusic/core/error.hpp"
#include "emomusic/core/text.hpp"

namespace emomusic::spotify {

bool is_playable_uri(const std::string& uri) {
  for (const std::string prefix : {"spotify:track:", "spotify:episode:"}) {
    if (uri.size() <= prefix.size() || uri.compare(0, prefix.size(), prefix) != 0) continue;
    for (std::size_t i = prefix.size(); i < uri.size(); ++i)
      if (!std::isalnum(static_cast<unsigned char>(uri[i]))) return false;
    return true;
  }
  return false;
}

std::vector<std::string> read_uri_list(std::istream& in, const std::string& source) {
  std::vector<std::string> uris;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    const auto begin = line.find_first_not_of(" \t\r");
    if (begin == std::string::npos || line[begin] == '#') continue;
    const auto end = line.find_last_not_of(" \t\r");
    const std::string uri = line.substr(begin, end - begin + 1);
    if (!is_playable_uri(uri))
      throw InputError(source + ":" + std::to_string(number) + ": \"" + excerpt(uri) +
                       "\" is not a Spotify track URI (expected spotify:track:<id>)");
    uris.push_back(uri);
  }
  return uris;
}

}  // namespace emomusic::spotify
