#include "emomusic/music/spotify/client.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <set>

#include "emomusic/core/error.hpp"
#include "emomusic/core/text.hpp"
#include "emomusic/music/spotify/errors.hpp"
#include "emomusic/music/spotify/http_client.hpp"
#include "emomusic/music/spotify/request_sender.hpp"
#include "emomusic/music/spotify/response_cache.hpp"
#include "emomusic/music/spotify/tokens.hpp"
#include "emomusic/music/spotify/uri_list.hpp"
#include "emomusic/music/spotify/url.hpp"
#include "json_fields.hpp"

namespace emomusic::spotify {

namespace {

// Lower-case letters and digits only, so "Don't Stop" matches "dont stop".
std::string normalized(const std::string& text) {
  std::string out;
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c)) out += static_cast<char>(std::tolower(c));
  }
  return out;
}

// Double quotes would end a field filter early; Spotify has no escape for them.
std::string quoted(const std::string& text) {
  std::string out = text;
  out.erase(std::remove(out.begin(), out.end(), '"'), out.end());
  return "\"" + out + "\"";
}

std::string join(const std::vector<std::string>& parts) {
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : ",") + p;
  return out;
}

std::string items_path(const std::string& playlist_id) {
  return "/playlists/" + url_encode(playlist_id) + "/items";
}

// A bad URI is the caller's mistake: refuse it before the playlist is half changed.
void check_uris(const std::vector<std::string>& uris) {
  for (const auto& uri : uris)
    if (!is_playable_uri(uri))
      throw UsageError("not a Spotify track URI: \"" + excerpt(uri) +
                       "\" (expected spotify:track:<id>)");
}

// uris[start, start + limit): one request's share.
std::vector<std::string> batch_of(const std::vector<std::string>& uris, std::size_t start,
                                  std::size_t limit) {
  const std::size_t end = std::min(uris.size(), start + limit);
  return {uris.begin() + static_cast<std::ptrdiff_t>(start),
          uris.begin() + static_cast<std::ptrdiff_t>(end)};
}

PlaylistSummary parse_playlist_summary(const nlohmann::json& playlist, const std::string& where) {
  PlaylistSummary p;
  p.id = detail::required_string(playlist, "id", where);
  p.name = detail::required_string(playlist, "name", where);
  p.description = detail::optional_string(playlist, "description", where);
  p.owner_id =
      detail::required_string(detail::required(playlist, "owner", where), "id", where + ", owner");
  p.snapshot_id = detail::optional_string(playlist, "snapshot_id", where);
  if (const auto it = playlist.find("external_urls"); it != playlist.end() && it->is_object())
    p.url = detail::optional_string(*it, "spotify", where + ", external_urls");
  if (p.url.empty()) p.url = "https://open.spotify.com/playlist/" + p.id;
  return p;
}

}  // namespace

SpotifyClient::SpotifyClient(SpotifyConfig config, std::optional<Credentials> credentials)
    : config_(std::move(config)),
      credentials_(std::move(credentials)),
      http_(std::make_unique<HttpClient>(config_.timeouts)),
      sender_(std::make_unique<RequestSender>(*http_, config_.retry)) {
  if (!config_.cache_path.empty()) {
    try {
      cache_ = std::make_unique<ResponseCache>(config_.cache_path, config_.cache_ttl);
    } catch (const InputError& e) {
      // A broken cache costs speed, not correctness.
      spdlog::warn("{}; going on without the Spotify cache", e.what());
    }
  }
}

SpotifyClient::~SpotifyClient() = default;

TokenSource& SpotifyClient::tokens(Auth auth) {
  if (auth == Auth::kUser) {
    if (!user_tokens_) user_tokens_ = std::make_unique<UserTokenSource>(config_, *sender_);
    return *user_tokens_;
  }
  if (!app_tokens_) {
    if (!credentials_) credentials_ = load_credentials(true);
    app_tokens_ = std::make_unique<AppTokenSource>(config_, *sender_, *credentials_);
  }
  return *app_tokens_;
}

nlohmann::json SpotifyClient::call(const std::string& method, const std::string& path, Auth auth,
                                   const nlohmann::json* body) {
  HttpRequest request;
  request.method = method;
  request.url = config_.api_url + path;
  // Only the app's catalog reads are shared between runs; the user's data is always fetched.
  const bool cacheable = cache_ && method == "GET" && auth == Auth::kApp;
  const std::string key = cache_key(method, request.url);
  if (cacheable) {
    if (auto hit = cache_->get(key)) {
      spdlog::debug("{} {} (cached)", method, redact_url(request.url));
      return parse_json_body(request, *hit);
    }
  }
  if (body) {
    request.headers.push_back("Content-Type: application/json");
    request.body = dump_json(*body);
  }
  const auto send_with_token = [&](const std::string& token) {
    HttpRequest authorized = request;
    authorized.headers.push_back("Authorization: Bearer " + token);
    return sender_->send(authorized);
  };
  TokenSource& source = tokens(auth);
  HttpResponse response = send_with_token(source.access_token());
  if (response.status == 401) {
    // Usually "The access token expired": renew once; a second 401 is a real refusal.
    spdlog::debug("{} {}: token refused, renewing it once", method, redact_url(request.url));
    source.invalidate();
    response = send_with_token(source.access_token());
  }
  if (response.status < 200 || response.status >= 300) throw_api_error(request, response);
  auto doc = parse_json_body(request, response.body);
  if (cacheable) cache_->put(key, response.body);
  return doc;
}

std::vector<TrackInfo> SpotifyClient::search_tracks(const std::string& query, std::size_t count) {
  if (query.empty()) throw UsageError("empty Spotify search query");
  std::vector<TrackInfo> found;
  int limit = 0;
  for (int offset = 0; found.size() < count && offset < kSearchMaxOffset; offset += limit) {
    limit = static_cast<int>(std::min<std::size_t>(kSearchPageLimit, count - found.size()));
    Params params{{"q", query},
                  {"type", "track"},
                  {"limit", std::to_string(limit)},
                  {"offset", std::to_string(offset)}};
    if (!config_.market.empty()) params.emplace_back("market", config_.market);
    const std::string path = "/search?" + form_encode(params);
    const auto doc = call("GET", path, Auth::kApp);
    const std::string where = "answer to GET " + config_.api_url + path;
    const TrackPage page = parse_track_paging(detail::required(doc, "tracks", where), where);
    found.insert(found.end(), page.tracks.begin(), page.tracks.end());
    if (!page.has_next) break;
  }
  if (found.size() > count) found.resize(count);
  return found;
}

std::optional<TrackInfo> SpotifyClient::resolve_track(const std::string& name,
                                                      const std::string& artist) {
  const auto candidates = search_tracks("track:" + quoted(name) + " artist:" + quoted(artist), 5);
  const std::string want_name = normalized(name);
  const std::string want_artist = normalized(artist);
  const TrackInfo* best = nullptr;
  int best_score = -1;
  for (const auto& t : candidates) {
    int score = normalized(t.name) == want_name ? 2 : 0;
    for (const auto& a : t.artists)
      if (normalized(a) == want_artist) score += 1;
    if (score > best_score) {
      best = &t;
      best_score = score;
    }
  }
  if (!best) return std::nullopt;
  return *best;
}

std::vector<TrackInfo> SpotifyClient::find_tracks_by_keywords(
    const std::vector<std::string>& genres, const std::vector<std::string>& moods,
    std::size_t count) {
  std::vector<std::string> queries;
  for (const auto& g : genres) queries.push_back("genre:" + quoted(g));
  for (const auto& m : moods) queries.push_back(m);
  if (queries.empty() || count == 0) return {};
  const std::size_t per_query = (count + queries.size() - 1) / queries.size();
  std::vector<std::vector<TrackInfo>> results;
  for (const auto& q : queries) results.push_back(search_tracks(q, per_query));

  std::vector<TrackInfo> merged;
  std::set<std::string> seen;
  for (std::size_t i = 0; merged.size() < count; ++i) {
    bool any = false;
    for (const auto& r : results) {
      if (i >= r.size()) continue;
      any = true;
      if (merged.size() < count && seen.insert(r[i].id).second) merged.push_back(r[i]);
    }
    if (!any) break;
  }
  return merged;
}

std::optional<std::vector<TrackInfo>> SpotifyClient::recommendations(
    const RecommendationQuery& query) {
  const std::size_t seeds =
      query.seed_genres.size() + query.seed_artists.size() + query.seed_tracks.size();
  if (seeds < 1 || seeds > 5)
    throw UsageError("Spotify recommendations need 1 to 5 seeds in total, got " +
                     std::to_string(seeds));
  if (query.limit < 1 || query.limit > 100)
    throw UsageError("Spotify recommendations: limit must be 1..100, got " +
                     std::to_string(query.limit));
  const std::string endpoint = config_.api_url + "/recommendations";
  if (recommendations_unavailable_ || (cache_ && cache_->is_unavailable(endpoint))) {
    recommendations_unavailable_ = true;
    return std::nullopt;
  }
  Params params{{"limit", std::to_string(query.limit)}};
  if (!query.seed_genres.empty()) params.emplace_back("seed_genres", join(query.seed_genres));
  if (!query.seed_artists.empty()) params.emplace_back("seed_artists", join(query.seed_artists));
  if (!query.seed_tracks.empty()) params.emplace_back("seed_tracks", join(query.seed_tracks));
  for (const auto& [feature, value] : query.targets)
    params.emplace_back("target_" + feature, fmt::format("{:.3f}", value));
  if (!config_.market.empty()) params.emplace_back("market", config_.market);
  const std::string path = "/recommendations?" + form_encode(params);
  nlohmann::json doc;
  try {
    doc = call("GET", path, Auth::kApp);
  } catch (const ApiError& e) {
    if (e.status() != 404 && e.status() != 403) throw;
    // Removed for apps created after Nov 2024: remember it, so no run asks again for a while.
    recommendations_unavailable_ = true;
    if (cache_) cache_->mark_unavailable(endpoint);
    spdlog::info("Spotify recommendations are not available to this app (HTTP {}); using search",
                 e.status());
    return std::nullopt;
  }
  const std::string where = "answer to GET " + config_.api_url + path;
  const auto& tracks = detail::required(doc, "tracks", where);
  if (!tracks.is_array()) throw ServiceError("Spotify's " + where + ": tracks is not an array");
  std::vector<TrackInfo> out;
  for (std::size_t i = 0; i < tracks.size(); ++i)
    if (!tracks[i].is_null())
      out.push_back(parse_track(tracks[i], where + ", tracks[" + std::to_string(i) + "]"));
  return out;
}

std::vector<TrackInfo> SpotifyClient::playlist_tracks(const std::string& playlist_id) {
  if (playlist_id.empty()) throw UsageError("empty Spotify playlist id");
  std::vector<TrackInfo> out;
  constexpr int kPage = 50;
  for (int offset = 0;; offset += kPage) {
    const std::string path =
        items_path(playlist_id) + "?" +
        form_encode({{"limit", std::to_string(kPage)}, {"offset", std::to_string(offset)}});
    const auto doc = call("GET", path, Auth::kUser);
    const TrackPage page = parse_playlist_paging(doc, "answer to GET " + config_.api_url + path);
    out.insert(out.end(), page.tracks.begin(), page.tracks.end());
    if (!page.has_next) break;
  }
  return out;
}

std::optional<std::size_t> SpotifyClient::playlist_size(const std::string& playlist_id) {
  try {
    const auto doc =
        call("GET", items_path(playlist_id) + "?" + form_encode({{"limit", "1"}, {"offset", "0"}}),
             Auth::kUser);
    const auto it = doc.find("total");
    if (it != doc.end() && it->is_number_integer() && *it >= 0) return it->get<std::size_t>();
  } catch (const Error& e) {
    spdlog::debug("cannot count the playlist's items: {}", e.what());
  }
  return std::nullopt;
}

std::string SpotifyClient::current_user_id() {
  const auto doc = call("GET", "/me", Auth::kUser);
  return detail::required_string(doc, "id", "answer to GET " + config_.api_url + "/me");
}

std::vector<PlaylistSummary> SpotifyClient::my_playlists() {
  std::vector<PlaylistSummary> out;
  for (int offset = 0;; offset += kMyPlaylistsPageLimit) {
    const std::string path =
        "/me/playlists?" + form_encode({{"limit", std::to_string(kMyPlaylistsPageLimit)},
                                        {"offset", std::to_string(offset)}});
    const auto doc = call("GET", path, Auth::kUser);
    const std::string where = "answer to GET " + config_.api_url + path;
    const auto& items = detail::required(doc, "items", where);
    if (!items.is_array()) throw ServiceError("Spotify's " + where + ": items is not an array");
    for (std::size_t i = 0; i < items.size(); ++i)
      if (!items[i].is_null())
        out.push_back(
            parse_playlist_summary(items[i], where + ", items[" + std::to_string(i) + "]"));
    // An empty page ends it too, so that a server that always says "next" cannot loop us.
    const auto next = doc.find("next");
    if (items.empty() || next == doc.end() || !next->is_string()) break;
  }
  return out;
}

std::string SpotifyClient::add_to_playlist(const std::string& playlist_id,
                                           const std::vector<std::string>& uris) {
  if (playlist_id.empty()) throw UsageError("empty Spotify playlist id");
  check_uris(uris);
  const std::string where = "answer to POST " + config_.api_url + items_path(playlist_id);
  std::string snapshot;
  for (std::size_t start = 0; start < uris.size(); start += kPlaylistAddLimit) {
    const nlohmann::json add{{"uris", batch_of(uris, start, kPlaylistAddLimit)}};
    try {
      snapshot = detail::optional_string(call("POST", items_path(playlist_id), Auth::kUser, &add),
                                         "snapshot_id", where);
    } catch (const ServiceError& e) {
      throw ServiceError("at least " + std::to_string(start) + " of " +
                         std::to_string(uris.size()) + " tracks were added: " + e.what());
    }
  }
  return snapshot;
}

std::string SpotifyClient::remove_from_playlist(const std::string& playlist_id,
                                                const std::vector<std::string>& uris,
                                                const std::string& snapshot_id) {
  if (playlist_id.empty()) throw UsageError("empty Spotify playlist id");
  const std::string where = "answer to DELETE " + config_.api_url + items_path(playlist_id);
  std::string snapshot = snapshot_id;
  for (std::size_t start = 0; start < uris.size(); start += kPlaylistRemoveLimit) {
    nlohmann::json gone = nlohmann::json::array();
    for (const auto& uri : batch_of(uris, start, kPlaylistRemoveLimit))
      gone.push_back(nlohmann::json{{"uri", uri}});
    // The list under both names: the endpoint took "tracks" before Spotify's 2026 renaming of
    // tracks to items, which has not reached every app (docs/spotify.md); removing by URI removes
    // each once however often it is named.
    nlohmann::json remove{{"items", gone}, {"tracks", gone}};
    // Spotify applies a removal to the version it names even when the playlist changed since.
    if (!snapshot.empty()) remove["snapshot_id"] = snapshot;
    try {
      snapshot = detail::optional_string(
          call("DELETE", items_path(playlist_id), Auth::kUser, &remove), "snapshot_id", where);
    } catch (const ServiceError& e) {
      throw ServiceError(std::to_string(start) + " of " + std::to_string(uris.size()) +
                         " tracks were removed: " + e.what());
    }
  }
  return snapshot;
}

nlohmann::json to_json(const CreatedPlaylist& created) {
  return {{"id", created.id},
          {"uri", created.uri},
          {"url", created.url},
          {"tracks_added", created.tracks_added}};
}

CreatedPlaylist SpotifyClient::create_playlist(const std::string& name,
                                               const std::vector<std::string>& uris,
                                               const std::string& description) {
  if (name.empty()) throw UsageError("a playlist needs a name");
  if (uris.empty()) throw UsageError("no tracks to put in the playlist \"" + excerpt(name) + "\"");
  check_uris(uris);

  const nlohmann::json request{{"name", name}, {"public", false}, {"description", description}};
  const auto doc = call("POST", "/me/playlists", Auth::kUser, &request);
  const std::string where = "answer to POST " + config_.api_url + "/me/playlists";
  CreatedPlaylist created;
  created.id = detail::required_string(doc, "id", where);
  created.uri = detail::optional_string(doc, "uri", where);
  if (const auto it = doc.find("external_urls"); it != doc.end() && it->is_object())
    created.url = detail::optional_string(*it, "spotify", where + ", external_urls");
  if (created.url.empty()) created.url = "https://open.spotify.com/playlist/" + created.id;

  for (std::size_t start = 0; start < uris.size(); start += kPlaylistAddLimit) {
    const std::size_t end = std::min(uris.size(), start + kPlaylistAddLimit);
    const nlohmann::json add{{"uris", batch_of(uris, start, kPlaylistAddLimit)},
                             {"position", start}};
    try {
      call("POST", items_path(created.id), Auth::kUser, &add);
    } catch (const ServiceError& e) {
      // A failed answer does not say whether the server added the batch (it may have added it
      // and then answered badly): the playlist's own count does.
      const std::optional<std::size_t> held = playlist_size(created.id);
      if (held == end) {
        spdlog::warn("{}; but the playlist holds all {} tracks sent so far, so going on", e.what(),
                     end);
        created.tracks_added = end;
        continue;
      }
      throw ServiceError("the playlist \"" + excerpt(name) + "\" (" + created.url +
                         ") was created, but " +
                         (held ? std::to_string(*held) : "at least " + std::to_string(start)) +
                         " of " + std::to_string(uris.size()) + " tracks were added: " + e.what());
    }
    created.tracks_added = end;
  }
  spdlog::debug("created playlist {} with {} tracks", created.url, created.tracks_added);
  return created;
}

}  // namespace emomusic::spotify
