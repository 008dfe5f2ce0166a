#include "emomusic/session/playlist.hpp"

#include <algorithm>
#include <cstdint>
#include <random>

#include "emomusic/core/error.hpp"
#include "emomusic/music/playlist_format.hpp"
#include "emomusic/music/track.hpp"
#ifdef EMOMUSIC_WITH_SPOTIFY
#include <spdlog/spdlog.h>

#include <set>

#include "emomusic/core/text.hpp"
#include "emomusic/music/spotify/client.hpp"
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

namespace {

// The URIs of the tracks Spotify knows, in order; the others (catalog-only tracks) are counted in
// `left_out`. Throws UsageError when there is none, since Spotify would get nothing.
std::vector<std::string> spotify_uris(const std::vector<std::string>& track_ids,
                                      std::size_t& left_out) {
  std::vector<std::string> uris;
  for (const auto& id : track_ids) {
    if (music::is_spotify_id(id)) {
      uris.push_back(music::track_uri(id));
    } else {
      ++left_out;
    }
  }
  if (uris.empty()) {
    throw UsageError("none of the " + std::to_string(track_ids.size()) +
                     " tracks has a Spotify id, so there is nothing to save in Spotify");
  }
  return uris;
}

std::string quoted(const std::string& name) {
  return "\"" + excerpt(name) + "\"";
}

// The user's own playlist `name` by the rule in refresh_in_spotify()'s comment.
spotify::PlaylistSummary find_own_playlist(spotify::SpotifyClient& spotify,
                                           const std::string& name) {
  const std::string user = spotify.current_user_id();
  const auto all = spotify.my_playlists();
  std::vector<spotify::PlaylistSummary> own;
  std::string foreign_owner;
  for (const auto& p : all) {
    if (p.name != name) continue;
    if (p.owner_id == user) {
      own.push_back(p);
    } else {
      foreign_owner = p.owner_id;
    }
  }
  if (own.empty()) {
    if (!foreign_owner.empty()) {
      throw NotFoundError("no playlist of yours is named " + quoted(name) +
                          ": the one in your library is " + foreign_owner +
                          "'s, and only its owner may change its tracks");
    }
    throw NotFoundError("no playlist named " + quoted(name) + " among the " +
                        std::to_string(all.size()) + " playlists in your Spotify library");
  }
  if (own.size() == 1) return own.front();
  std::vector<const spotify::PlaylistSummary*> made;
  std::string ids;
  for (const auto& p : own) {
    // The page adds the mood ("Made by emomusic for a sad mood").
    if (p.description.rfind(kSavedPlaylistDescription, 0) == 0) made.push_back(&p);
    ids += (ids.empty() ? "" : ", ") + p.id;
  }
  if (made.size() == 1) {
    spdlog::info("{} of your playlists are named {}; refreshing {}, the only one emomusic made",
                 own.size(), quoted(name), made.front()->id);
    return *made.front();
  }
  throw UsageError(std::to_string(own.size()) + " of your playlists are named " + quoted(name) +
                   " (" + ids + ") and " +
                   (made.empty() ? std::string("none") : std::to_string(made.size())) +
                   " of them has a description starting \"" + kSavedPlaylistDescription +
                   "\"; rename all but one, so that the right one is refreshed");
}

}  // namespace

SavedPlaylist save_to_spotify(spotify::SpotifyClient& spotify, const std::string& name,
                              const std::vector<std::string>& track_ids,
                              const std::string& description) {
  SavedPlaylist saved;
  const auto uris = spotify_uris(track_ids, saved.tracks_left_out);
  const auto created = spotify.create_playlist(name, uris, description);
  saved.id = created.id;
  saved.url = created.url;
  saved.tracks_added = created.tracks_added;
  return saved;
}

RefreshedPlaylist refresh_in_spotify(spotify::SpotifyClient& spotify, const std::string& name,
                                     const std::vector<std::string>& track_ids) {
  if (name.empty()) throw UsageError("a playlist needs a name");
  RefreshedPlaylist out;
  const auto uris = spotify_uris(track_ids, out.left_out);
  const spotify::PlaylistSummary target = find_own_playlist(spotify, name);
  out.id = target.id;
  out.url = target.url;
  const std::string what = "the playlist " + quoted(name) + " (" + target.url + ")";

  std::set<std::string> old_uris;
  std::vector<std::string> to_remove;  // in the playlist's order, each once
  for (const auto& t : spotify.playlist_tracks(target.id))
    if (old_uris.insert(t.uri).second) to_remove.push_back(t.uri);
  std::vector<std::string> to_add;
  std::set<std::string> new_uris;
  for (const auto& uri : uris) {
    if (!new_uris.insert(uri).second) continue;
    if (old_uris.count(uri)) {
      ++out.kept;
    } else {
      to_add.push_back(uri);
    }
  }
  to_remove.erase(std::remove_if(to_remove.begin(), to_remove.end(),
                                 [&](const std::string& uri) { return new_uris.count(uri) > 0; }),
                  to_remove.end());

  std::string snapshot = target.snapshot_id;
  if (!to_add.empty()) {
    try {
      snapshot = spotify.add_to_playlist(target.id, to_add);
    } catch (const ServiceError& e) {
      throw ServiceError(what + " keeps all its old tracks, but adding the " +
                         std::to_string(to_add.size()) + " new ones failed: " + e.what());
    }
  }
  out.added = to_add.size();
  if (!to_remove.empty()) {
    try {
      spotify.remove_from_playlist(target.id, to_remove, snapshot);
    } catch (const ServiceError& e) {
      throw ServiceError(what + " holds the " + std::to_string(out.added + out.kept) +
                         " tracks of the new playlist and still old tracks that are not in it: "
                         "removing those " +
                         std::to_string(to_remove.size()) +
                         " failed (the next refresh removes them): " + e.what());
    }
  }
  out.removed = to_remove.size();
  spdlog::info("refreshed {}: {} added, {} removed, {} kept", what, out.added, out.removed,
               out.kept);
  return out;
}
#else
void top_up_playlist(Playlist&, const PlaylistRequest&, spotify::SpotifyClient&) {
  throw UnavailableError("this emomusic was built without Spotify support");
}

SavedPlaylist save_to_spotify(spotify::SpotifyClient&, const std::string&,
                              const std::vector<std::string>&, const std::string&) {
  throw UnavailableError("this emomusic was built without Spotify support");
}

RefreshedPlaylist refresh_in_spotify(spotify::SpotifyClient&, const std::string&,
                                     const std::vector<std::string>&) {
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

nlohmann::ordered_json to_json(const RefreshedPlaylist& refreshed) {
  return {{"id", refreshed.id},       {"url", refreshed.url},
          {"added", refreshed.added}, {"removed", refreshed.removed},
          {"kept", refreshed.kept},   {"left_out", refreshed.left_out}};
}

nlohmann::ordered_json to_json(const Playlist& playlist) {
  return music::playlist_to_json(playlist.tracks);
}

}  // namespace emomusic::session
