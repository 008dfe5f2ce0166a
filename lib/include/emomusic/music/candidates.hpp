#pragma once
/// @file
/// Where the tracks to rank come from: the user's catalog, or the shipped starter catalog when
/// nothing has been imported yet. Later sources (e.g. Spotify) add to the same Track list.

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "emomusic/music/track.hpp"

namespace emomusic::music {

struct Candidates {
  std::vector<Track> tracks;
  std::string source;    ///< for messages: "catalog /path (123 tracks)" or "starter catalog …"
  bool starter = false;  ///< true when the tracks come from the starter catalog
};

/// Loads the starter catalog JSON: {"note": …, "tracks": [{"id", "name", "artists": […], "album",
/// "genre", "year", "explicit", "valence", "energy", "danceability", "tempo", "acousticness"}]}.
/// Throws InputError naming the file and the entry.
std::vector<Track> load_starter_catalog(const std::filesystem::path& path);

/// With `catalog` given: that catalog, which must exist and hold tracks (InputError / NotFoundError
/// otherwise). Without: the default catalog when it holds tracks, else the shipped
/// data/starter_catalog.json.
Candidates load_candidates(const std::optional<std::filesystem::path>& catalog);

}  // namespace emomusic::music
