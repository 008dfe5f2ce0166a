#include "emomusic/session/playlist.hpp"

#include <algorithm>
#include <cstdint>
#include <random>

#include "emomusic/core/error.hpp"
#include "emomusic/music/playlist_format.hpp"
#include "emomusic/music/track.hpp"
#ifdef EMOMUSIC_WITH_SPOTIFY
#include "emomusic/music/spotify/playlist_bridge.hpp"
#endif

namespace emomusic::session {

void check_request(const PlaylistRequest& r) {
  check_range(r.steps, kStepsRange, "the number of lift steps");
  music::check_rank_settings(r.rank);
  if (r.seed) {
    check_range(static_cast<std::int64_t>(std::min<std::uint64_t>(*r.seed, INT64_MAX)), kSeedRange,
                "the seed");
  }
}

Playlist rank_playlist(const PlaylistRequest& request, const music::MoodMapping& mapping,
                       const music::Candidates& candidates, const music::Feedback& feedback) {
  using namespace emomusic::music;
  check_request(request);
  Playlist out;
  out.plan =
      plan_playlist(mapping, request.emotion, request.strategy, request.target, request.steps);
  out.source = candidates.source;

  RankOptions rank;
  static_cast<RankSettings&>(rank) = request.rank;
  rank.seed = request.seed ? *request.seed : std::random_device{}();
  rank.feedback = feedback;
  out.seed = rank.seed;
  out.feedback = feedback;
  try {
    out.tracks =
        recommend(candidates.tracks, out.plan.waypoints, mapping.weights(), request.filter, rank);
  } catch (const NotFoundError& e) {
    out.catalog_empty = e.what();
  }
  return out;
}

void require_tracks(const Playlist& playlist) {
  if (!playlist.tracks.empty()) return;
  std::string why = playlist.catalog_empty.empty() ? std::string("no track fits this playlist")
                                                   : playlist.catalog_empty;
  if (!playlist.spotify_failure.empty()) why += "; Spotify: " + playlist.spotify_failure;
  throw NotFoundError(why);
}

bool needs_top_up(const Playlist& playlist, const PlaylistRequest& request) {
  return static_cast<int>(playlist.tracks.size()) < request.rank.limit;
}

#ifdef EMOMUSIC_WITH_SPOTIFY
void top_up_playlist(Playlist& playlist, const PlaylistRequest& request,
                     spotify::SpotifyClient& spotify) {
  if (!needs_top_up(playlist, request)) return;
  auto& tracks = playlist.tracks;
  const std::size_t before = tracks.size();
  try {
    spotify::top_up_from_spotify(spotify, playlist.plan, request.filter, request.rank.limit,
                                 tracks);
    music::drop_skipped(tracks, playlist.feedback);  // Spotify does not know what was skipped
  } catch (const Error& e) {
    // The offline playlist is still an answer; a Spotify fault only makes it shorter.
    playlist.spotify_failure = e.what();
  }
  playlist.from_spotify += static_cast<int>(tracks.size() - std::min(before, tracks.size()));
}

SavedPlaylist save_to_spotify(spotify::SpotifyClient& spotify, const std::string& name,
                              const std::vector<std::string>& track_ids,
                              const std::string& description) {
  std::vector<std::string> uris;
  SavedPlaylist saved;
  for (const auto& id : track_ids) {
    if (music::is_spotify_id(id)) {
      uris.push_back(music::track_uri(id));
    } else {
      ++saved.tracks_left_out;
    }
  }
  if (uris.empty()) {
    throw UsageError("none of the " + std::to_string(track_ids.size()) +
                     " tracks has a Spotify id, so there is nothing to save in Spotify");
  }
  const auto created = spotify.create_playlist(name, uris, description);
  saved.id = created.id;
  saved.url = created.url;
  saved.tracks_added = created.tracks_added;
  return saved;
}
#else
void top_up_playlist(Playlist&, const PlaylistRequest&, spotify::SpotifyClient&) {
  throw UnavailableError("this emomusic was built without Spotify support");
}

SavedPlaylist save_to_spotify(spotify::SpotifyClient&, const std::string&,
                              const std::vector<std::string>&, const std::string&) {
  throw UnavailableError("this emomusic was built without Spotify support");
}
#endif

std::vector<std::string> track_ids(const Playlist& playlist) {
  std::vector<std::string> ids;
  ids.reserve(playlist.tracks.size());
  for (const auto& r : playlist.tracks) ids.push_back(r.track.id);
  return ids;
}

nlohmann::ordered_json to_json(const SavedPlaylist& saved) {
  return {{"id", saved.id},
          {"url", saved.url},
          {"tracks_added", saved.tracks_added},
          {"tracks_left_out", saved.tracks_left_out}};
}

nlohmann::ordered_json to_json(const Playlist& playlist) {
  return music::playlist_to_json(playlist.tracks);
}

}  // namespace emomusic::session
