#pragma once
/// @file
/// Where the recommender meets Spotify: topping up a catalog playlist with Spotify's own tracks.

#include <string>
#include <vector>

#include "emomusic/music/mood_mapping.hpp"
#include "emomusic/music/ranking.hpp"
#include "emomusic/music/spotify/client.hpp"

namespace emomusic::spotify {

/// A Spotify track as a catalog Track. Spotify no longer gives new apps audio features, so
/// valence and energy stay unknown (NaN): such tracks are listed, never ranked by distance.
music::Track to_catalog_track(const TrackInfo& info);

/// Adds Spotify tracks to `playlist` until it holds `limit`: GET /recommendations with the plan's
/// feature targets while the app still has that endpoint, else a search on the plan's mood words
/// (and the genre filter), in the client's market. Skips tracks already present and those
/// `filter` rejects. Spotify never says a track's language, so with a language filter nothing is
/// asked and nothing added. Returns how many were added; each carries a NaN distance and says
/// where it came from in `target`.
int top_up_from_spotify(SpotifyClient& client, const music::PlaylistPlan& plan,
                        const music::TrackFilter& filter, int limit,
                        std::vector<music::Recommendation>& playlist);

}  // namespace emomusic::spotify
