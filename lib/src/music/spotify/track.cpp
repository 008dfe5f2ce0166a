#include "emomusic/music/spotify/track.hpp"

#include "emomusic/core/error.hpp"
#include "json_fields.hpp"

namespace emomusic::spotify {

using detail::optional_string;
using detail::required;
using detail::required_string;

namespace {

const nlohmann::json& items_of(const nlohmann::json& paging, const std::string& where) {
  const auto& items = required(paging, "items", where);
  if (!items.is_array()) throw ServiceError("Spotify's " + where + ": \"items\" is not an array");
  return items;
}

TrackPage read_paging_meta(const nlohmann::json& paging) {
  TrackPage page;
  if (const auto it = paging.find("total"); it != paging.end() && it->is_number_integer())
    page.total = it->get<std::int64_t>();
  if (const auto it = paging.find("next"); it != paging.end()) page.has_next = it->is_string();
  return page;
}

bool is_track(const nlohmann::json& item) {
  const auto it = item.find("type");
  return it == item.end() || (it->is_string() && *it == "track");
}

}  // namespace

TrackInfo parse_track(const nlohmann::json& track, const std::string& where) {
  TrackInfo t;
  t.id = required_string(track, "id", where);
  t.uri = required_string(track, "uri", where);
  t.name = required_string(track, "name", where);
  const auto& artists = required(track, "artists", where);
  if (!artists.is_array()) throw ServiceError("Spotify's " + where + ": artists is not an array");
  for (std::size_t i = 0; i < artists.size(); ++i)
    t.artists.push_back(
        required_string(artists[i], "name", where + ", artists[" + std::to_string(i) + "]"));
  if (const auto it = track.find("album"); it != track.end() && it->is_object()) {
    t.album = optional_string(*it, "name", where + ", album");
    t.release_date = optional_string(*it, "release_date", where + ", album");
  }
  if (const auto it = track.find("duration_ms"); it != track.end() && it->is_number_integer())
    t.duration_ms = it->get<std::int64_t>();
  if (const auto it = track.find("explicit"); it != track.end() && it->is_boolean())
    t.explicit_content = it->get<bool>();
  if (const auto it = track.find("external_ids"); it != track.end() && it->is_object())
    t.isrc = optional_string(*it, "isrc", where + ", external_ids");
  if (const auto it = track.find("external_urls"); it != track.end() && it->is_object())
    t.external_url = optional_string(*it, "spotify", where + ", external_urls");
  if (std::string preview = optional_string(track, "preview_url", where); !preview.empty())
    t.preview_url = std::move(preview);
  return t;
}

TrackPage parse_track_paging(const nlohmann::json& paging, const std::string& where) {
  const auto& items = items_of(paging, where);
  TrackPage page = read_paging_meta(paging);
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (items[i].is_null() || !is_track(items[i])) continue;
    page.tracks.push_back(parse_track(items[i], where + ", items[" + std::to_string(i) + "]"));
  }
  return page;
}

TrackPage parse_playlist_paging(const nlohmann::json& paging, const std::string& where) {
  const auto& entries = items_of(paging, where);
  TrackPage page = read_paging_meta(paging);
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const auto& entry = entries[i];
    if (!entry.is_object()) continue;
    // A local file, a removed track or an episode shows up as null or as a non-track item.
    auto it = entry.find("item");
    if (it == entry.end()) it = entry.find("track");
    if (it == entry.end() || it->is_null() || !is_track(*it)) continue;
    page.tracks.push_back(parse_track(*it, where + ", items[" + std::to_string(i) + "]"));
  }
  return page;
}

const nlohmann::json& playlist_contents(const nlohmann::json& playlist, const std::string& where) {
  if (!playlist.is_object()) throw ServiceError("Spotify's " + where + " is not a JSON object");
  for (const char* key : {"items", "tracks"}) {
    const auto it = playlist.find(key);
    if (it != playlist.end() && it->is_object()) return *it;
  }
  throw ServiceError("Spotify's " + where + " has neither \"items\" nor \"tracks\"");
}

}  // namespace emomusic::spotify
