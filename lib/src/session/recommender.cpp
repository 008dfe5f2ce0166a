#include "emomusic/session/recommender.hpp"

#include <spdlog/spdlog.h>

#include <mutex>

#include "emomusic/core/error.hpp"
#ifdef EMOMUSIC_WITH_SPOTIFY
#include "emomusic/music/spotify/client.hpp"
#include "emomusic/music/spotify/token_store.hpp"
#endif

namespace emomusic::session {
struct Recommender::Impl {
  explicit Impl(const RecommenderOptions& o)
      : options(o),
        mapping(o.mapping.empty() ? music::MoodMapping::load_default()
                                  : music::MoodMapping::load(o.mapping)),
        candidates(music::load_candidates(o.catalog)),
        history(o.keep_history
                    ? std::make_unique<ListenerHistory>(o.history)
                    : std::make_unique<ListenerHistory>(music::MoodHistory::InMemory{})) {}

  // Runs `use` with the Spotify client under its lock; false when there is no Spotify. The client
  // is made on first use, so that a service that never needs it never reads its cache.
  template <class F>
  bool with_spotify(F&& use) {
#ifdef EMOMUSIC_WITH_SPOTIFY
    if (!options.spotify) return false;
    std::lock_guard lock(spotify_mutex);
    if (!spotify_client) {
      spotify_client = std::make_unique<spotify::SpotifyClient>(options.spotify->config,
                                                                options.spotify->credentials);
    }
    use(*spotify_client);
    return true;
#else
    (void)use;
    return false;
#endif
  }

  // The same for what cannot be done without Spotify (saving, refreshing).
  template <class F>
  void with_spotify_or_throw(F&& use) {
    if (!with_spotify(std::forward<F>(use))) {
      throw UnavailableError(
          "there is no Spotify here: set the app's credentials and log in, then start again");
    }
  }

  RecommenderOptions options;
  music::MoodMapping mapping;
  music::Candidates candidates;
  std::unique_ptr<ListenerHistory> history;
#ifdef EMOMUSIC_WITH_SPOTIFY
  std::mutex spotify_mutex;
  std::unique_ptr<spotify::SpotifyClient> spotify_client;
#endif
};

Recommender::Recommender(const RecommenderOptions& options)
    : impl_(std::make_unique<Impl>(options)) {}

Recommender::~Recommender() = default;

Playlist Recommender::recommend(const PlaylistRequest& request) {
  auto& d = *impl_;
  const music::Feedback feedback =
      request.use_feedback ? d.history->feedback(request.emotion) : music::Feedback{};
  // Ranked without the Spotify lock: only a playlist the catalog cannot fill waits for it.
  Playlist playlist = rank_playlist(request, d.mapping, d.candidates, feedback);
  if (d.options.top_up && needs_top_up(playlist, request)) {
    d.with_spotify([&](spotify::SpotifyClient& c) { top_up_playlist(playlist, request, c); });
  }
  if (!playlist.spotify_failure.empty()) {
    spdlog::warn("could not add tracks from Spotify: {}", playlist.spotify_failure);
  }
  require_tracks(playlist);
  return playlist;
}

SavedPlaylist Recommender::save(const std::string& name, const std::vector<std::string>& track_ids,
                                const std::string& description) {
  SavedPlaylist saved;
  impl_->with_spotify_or_throw(
      [&](spotify::SpotifyClient& c) { saved = save_to_spotify(c, name, track_ids, description); });
  return saved;
}

RefreshedPlaylist Recommender::refresh(const std::string& name,
                                       const std::vector<std::string>& track_ids) {
  RefreshedPlaylist refreshed;
  impl_->with_spotify_or_throw(
      [&](spotify::SpotifyClient& c) { refreshed = refresh_in_spotify(c, name, track_ids); });
  return refreshed;
}

bool Recommender::has_spotify() const {
  return impl_->options.spotify.has_value();
}

bool Recommender::spotify_login() const {
#ifdef EMOMUSIC_WITH_SPOTIFY
  if (!impl_->options.spotify) return false;
  try {
    return spotify::load_user_tokens(impl_->options.spotify->config.token_path).has_value();
  } catch (const std::exception&) {
    return false;  // an unreadable token file is no login; saving will say why
  }
#else
  return false;
#endif
}

const music::MoodMapping& Recommender::mapping() const {
  return impl_->mapping;
}

ListenerHistory& Recommender::history() {
  return *impl_->history;
}

}  // namespace emomusic::session
