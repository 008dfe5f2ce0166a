#pragma once
/// @file
/// Writing a playlist to stdout in the formats scripts and players read.

#include <nlohmann/json.hpp>
#include <ostream>
#include <string_view>
#include <vector>

#include "emomusic/music/ranking.hpp"

namespace emomusic::music {

/// table: aligned text for people. json: a list of objects (id, name, artists, album, genre,
/// year, language, popularity, explicit, features, uri, url, why). csv: the same flat, RFC 4180
/// quoted. m3u: an extended M3U playlist of Spotify links. uris: one spotify:track: URI per line.
enum class PlaylistFormat { kTable, kJson, kCsv, kM3u, kUris };

/// The names of PlaylistFormat's values, in its order: table, json, csv, m3u, uris.
const std::vector<std::string>& playlist_format_names();
/// Throws UsageError for a name not in playlist_format_names().
PlaylistFormat playlist_format_from_string(std::string_view text);

/// The json format's value: an array of track objects, ranks from 1. Write it with dump_json().
nlohmann::ordered_json playlist_to_json(const std::vector<Recommendation>& playlist);

/// A Recommendation whose distance is NaN (e.g. a search hit) is written without the "why".
void write_playlist(std::ostream& out, const std::vector<Recommendation>& playlist,
                    PlaylistFormat format);

}  // namespace emomusic::music
