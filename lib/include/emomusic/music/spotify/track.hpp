#pragma once
/// @file
/// A Spotify track as the client hands it out, and the readers of the JSON shapes that carry
/// tracks (search pages, recommendations, both playlist shapes).

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace emomusic::spotify {

struct TrackInfo {
  std::string id;
  std::string uri;  ///< "spotify:track:<id>"
  std::string name;
  std::vector<std::string> artists;
  std::string album;         ///< empty for simplified tracks (recommendations)
  std::string release_date;  ///< "1999", "1999-07" or "1999-07-12"; empty when not given
  std::int64_t duration_ms = 0;
  bool explicit_content = false;           ///< Spotify's "explicit"
  std::string isrc;                        ///< empty when not given
  std::string external_url;                ///< https://open.spotify.com/track/<id>
  std::optional<std::string> preview_url;  ///< gone for new apps; usually absent
};

/// Reads one track object. `where` names it in errors ("answer to GET …, tracks.items[3]").
/// id, uri, name and artists[].name are required (ServiceError naming the field when missing);
/// the rest default to empty.
TrackInfo parse_track(const nlohmann::json& track, const std::string& where);

/// One page of tracks and what is needed to fetch the next.
struct TrackPage {
  std::vector<TrackInfo> tracks;  ///< null items (and non-track items, e.g. episodes) skipped
  std::int64_t total = 0;
  bool has_next = false;
};

/// A paging object whose items are tracks: the "tracks" of a search answer.
TrackPage parse_track_paging(const nlohmann::json& paging, const std::string& where);

/// A paging object of playlist entries, in either shape: entries holding "item" (development
/// mode since 2026) or "track" (older apps).
TrackPage parse_playlist_paging(const nlohmann::json& paging, const std::string& where);

/// The tracks paging object inside a playlist object: "items" in the new shape, "tracks" in the
/// old. Throws ServiceError when neither is present.
const nlohmann::json& playlist_contents(const nlohmann::json& playlist, const std::string& where);

}  // namespace emomusic::spotify
