#include "emomusic/music/spotify/playlist_bridge.hpp"

#include <spdlog/spdlog.h>

#include <cmath>
#include <set>

namespace emomusic::spotify {
namespace {

// "sad→happy 2/4" → "sad"; "happy" → "happy": the mood word of a waypoint label.
std::string mood_word(const std::string& label) {
  const auto end = label.find_first_of(" \xE2");  // space, or the first byte of "→"
  return label.substr(0, end);
}

}  // namespace

music::Track to_catalog_track(const TrackInfo& info) {
  music::Track t;
  t.id = info.id;
  t.name = info.name;
  t.artists = info.artists;
  t.album = info.album;
  if (info.release_date.size() >= 4) t.year = std::atoi(info.release_date.substr(0, 4).c_str());
  t.explicit_lyrics = info.explicit_content;
  t.duration_ms = info.duration_ms;
  t.valence = music::kUnknownFeature;
  t.energy = music::kUnknownFeature;
  return t;
}

int top_up_from_spotify(SpotifyClient& client, const music::PlaylistPlan& plan,
                        const music::TrackFilter& filter, int limit,
                        std::vector<music::Recommendation>& playlist) {
  const int missing = limit - static_cast<int>(playlist.size());
  if (missing <= 0 || plan.waypoints.empty()) return 0;
  if (!filter.language.empty()) {
    // The filter would reject every track found (their language is unknown): save the requests.
    spdlog::info(
        "no tracks added from Spotify: it does not say a track's language, so a "
        "language filter draws on the catalog only");
    return 0;
  }
  std::set<std::string> have;
  for (const auto& r : playlist) have.insert(r.track.id);

  // The end of the plan is where the listener should arrive: its mood and features steer.
  const music::Waypoint& goal = plan.waypoints.back();
  std::vector<TrackInfo> found;
  std::string source;
  RecommendationQuery query;
  if (!filter.genre.empty()) query.seed_genres = {filter.genre};
  query.targets = {{"valence", goal.target.valence}, {"energy", goal.target.energy}};
  if (music::known(goal.target.danceability))
    query.targets["danceability"] = goal.target.danceability;
  query.limit = std::min(100, missing * 2);
  if (!query.seed_genres.empty()) {
    if (auto recs = client.recommendations(query)) {
      found = std::move(*recs);
      source = "spotify recommendations";
    }
  }
  if (found.empty()) {
    const std::vector<std::string> genres =
        filter.genre.empty() ? std::vector<std::string>{} : std::vector<std::string>{filter.genre};
    found = client.find_tracks_by_keywords(genres, {mood_word(goal.label)},
                                           static_cast<std::size_t>(missing * 2));
    source = "spotify search: " + mood_word(goal.label);
  }

  int added = 0;
  for (const auto& info : found) {
    if (added == missing) break;
    music::Track t = to_catalog_track(info);
    t.genre = filter.genre;  // every query above was restricted to it
    if (!have.insert(t.id).second || !filter.matches(t)) continue;
    playlist.push_back({std::move(t), std::nan(""), source, 1, 1});
    ++added;
  }
  spdlog::info("added {} track(s) from {}", added, source);
  return added;
}

}  // namespace emomusic::spotify
