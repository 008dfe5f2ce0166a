#include "emomusic/session/playlist.hpp"

#include <random>

#include "emomusic/core/error.hpp"
#include "emomusic/music/mood_history.hpp"
#include "emomusic/music/playlist_format.hpp"
#ifdef EMOMUSIC_WITH_SPOTIFY
#include "emomusic/music/spotify/playlist_bridge.hpp"
#endif

namespace emomusic::session {

Playlist make_playlist(const PlaylistRequest& request, const music::MoodMapping& mapping,
                       const music::Candidates& candidates, spotify::SpotifyClient* spotify) {
  using namespace emomusic::music;
  Playlist out;
  out.plan =
      plan_playlist(mapping, request.emotion, request.strategy, request.target, request.steps);
  out.source = candidates.source;

  RankOptions rank;
  rank.limit = request.limit;
  rank.max_per_artist = request.max_per_artist;
  rank.diversity = request.diversity;
  rank.popularity_weight = request.popularity_weight;
  rank.variety = request.variety;
  rank.seed = request.seed ? *request.seed : std::random_device{}();
  out.seed = rank.seed;
  if (request.use_feedback) {
    rank.feedback = read_feedback(
        request.history.empty() ? default_history_path() : request.history, request.emotion);
  }
  out.feedback = rank.feedback;
  out.tracks =
      recommend(candidates.tracks, out.plan.waypoints, mapping.weights(), request.filter, rank);
#ifdef EMOMUSIC_WITH_SPOTIFY
  if (spotify != nullptr && static_cast<int>(out.tracks.size()) < request.limit) {
    const std::size_t before = out.tracks.size();
    try {
      spotify::top_up_from_spotify(*spotify, out.plan, request.filter, request.limit, out.tracks);
      drop_skipped(out.tracks, rank.feedback);  // Spotify does not know what was skipped
    } catch (const Error& e) {
      // The offline playlist is still an answer; a Spotify fault only makes it shorter.
      out.spotify_failure = e.what();
    }
    out.from_spotify = static_cast<int>(out.tracks.size() - std::min(before, out.tracks.size()));
  }
#else
  if (spotify != nullptr) throw UnavailableError("this emomusic was built without Spotify support");
#endif
  return out;
}

nlohmann::ordered_json to_json(const Playlist& playlist) {
  return music::playlist_to_json(playlist.tracks);
}

}  // namespace emomusic::session
