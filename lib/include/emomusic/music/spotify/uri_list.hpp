#pragma once
/// @file
/// Spotify track URIs as users and scripts hand them over: one per line.

#include <istream>
#include <string>
#include <vector>

namespace emomusic::spotify {

/// spotify:track:<id> or spotify:episode:<id>, with an id of letters and digits.
bool is_playable_uri(const std::string& uri);

/// Reads one URI per line, skipping blank lines and lines starting with '#'. Throws InputError
/// naming `source` and the line of the first malformed URI.
std::vector<std::string> read_uri_list(std::istream& in, const std::string& source);

}  // namespace emomusic::spotify
