#include "fake_spotify.hpp"

#include <openssl/sha.h>

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

namespace emomusic::spotify::test {

using nlohmann::json;

namespace {

std::string base64(const std::string& in, bool url) {
  const char* alphabet = url ? "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
                             : "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    const unsigned v = (static_cast<unsigned char>(in[i]) << 16) |
                       (static_cast<unsigned char>(in[i + 1]) << 8) |
                       static_cast<unsigned char>(in[i + 2]);
    for (int s = 18; s >= 0; s -= 6) out += alphabet[(v >> s) & 63];
  }
  const std::size_t rest = in.size() - i;
  if (rest > 0) {
    unsigned v = static_cast<unsigned char>(in[i]) << 16;
    if (rest == 2) v |= static_cast<unsigned char>(in[i + 1]) << 8;
    out += alphabet[(v >> 18) & 63];
    out += alphabet[(v >> 12) & 63];
    out += rest == 2 ? alphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  if (url)
    while (!out.empty() && out.back() == '=') out.pop_back();
  return out;
}

void error(httplib::Response& res, int status, const std::string& message) {
  res.status = status;
  res.set_content(json{{"error", {{"status", status}, {"message", message}}}}.dump(),
                  "application/json");
}

void oauth_error(httplib::Response& res, const std::string& code, const std::string& description) {
  res.status = 400;
  res.set_content(json{{"error", code}, {"error_description", description}}.dump(),
                  "application/json");
}

json track(const std::string& id, const std::string& name, const std::string& artist) {
  return {
      {"id", id},
      {"uri", "spotify:track:" + id},
      {"name", name},
      {"type", "track"},
      {"artists", {{{"id", "a-" + artist}, {"name", artist}}}},
      {"album",
       {{"name", "Album of " + name}, {"release_date", "2019-05-17"}, {"images", json::array()}}},
      {"duration_ms", 201000},
      {"explicit", false},
      {"external_ids", {{"isrc", "USRC1" + id}}},
      {"external_urls", {{"spotify", "https://open.spotify.com/track/" + id}}},
      {"preview_url", nullptr}};
}

// A track id of Spotify's shape (22 letters and digits), the same for the same seed.
std::string spotify_id(const std::string& seed) {
  std::string id;
  for (const char c : s256(seed) + s256(seed + "+")) {
    if (std::isalnum(static_cast<unsigned char>(c))) id += c;
  }
  return id.substr(0, 22);
}

// Reads `key:"value"` out of a search query.
std::string filter_value(const std::string& q, const std::string& key) {
  const auto at = q.find(key + ":\"");
  if (at == std::string::npos) return {};
  const auto start = at + key.size() + 2;
  return q.substr(start, q.find('"', start) - start);
}

}  // namespace

std::string s256(const std::string& text) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest);
  return base64(std::string(reinterpret_cast<char*>(digest), sizeof digest), true);
}

FakeSpotify::FakeSpotify() {
  routes();
  port_ = server_.bind_to_any_port("127.0.0.1");
  thread_ = std::thread([this] { server_.listen_after_bind(); });
  // httplib's stop() does nothing before the server loop runs, so a test that ends at once would
  // hang in the destructor's join: wait until it is running.
  while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

FakeSpotify::~FakeSpotify() {
  server_.stop();
  thread_.join();
}

void FakeSpotify::inject(const std::string& path, const Fault& fault, int times) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (int i = 0; i < times; ++i) faults_[path].push_back(fault);
}

void FakeSpotify::expire_tokens() {
  std::lock_guard<std::mutex> lock(mutex_);
  for (const auto& [token, user] : tokens_) expired_.insert(token);
}

std::vector<RecordedRequest> FakeSpotify::requests() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return requests_;
}

int FakeSpotify::count(const std::string& method, const std::string& path_prefix) const {
  std::lock_guard<std::mutex> lock(mutex_);
  int n = 0;
  for (const auto& r : requests_)
    if (r.method == method && r.path.compare(0, path_prefix.size(), path_prefix) == 0) ++n;
  return n;
}

std::vector<std::string> FakeSpotify::secrets() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<std::string> out = handed_out_;
  out.push_back(client_secret);
  return out;
}

std::vector<std::string> FakeSpotify::playlist_uris(const std::string& playlist_id) const {
  std::lock_guard<std::mutex> lock(mutex_);
  const auto it = playlists_.find(playlist_id);
  return it == playlists_.end() ? std::vector<std::string>() : it->second.uris;
}

std::string FakeSpotify::add_playlist(const std::string& name, const std::string& description,
                                      const std::vector<std::string>& uris,
                                      const std::string& owner) {
  std::lock_guard<std::mutex> lock(mutex_);
  const std::string id = "pl" + std::to_string(++counter_);
  Playlist& p = playlists_[id];
  p.name = name;
  p.description = description;
  p.owner = owner;
  p.uris = uris;
  change(p);
  playlist_order_.push_back(id);
  return id;
}

void FakeSpotify::change(Playlist& p) {
  p.snapshot = "snap" + std::to_string(++counter_);
  p.snapshots.insert(p.snapshot);
}

std::vector<std::string> FakeSpotify::playlist_ids() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return playlist_order_;
}

std::string FakeSpotify::grant_refresh_token() {
  std::lock_guard<std::mutex> lock(mutex_);
  const std::string refresh = issue("refresh", true);
  refresh_tokens_.insert(refresh);
  return refresh;
}

int FakeSpotify::add_calls() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return add_calls_;
}

std::string FakeSpotify::issue(const char* prefix, bool user) {
  // Called with mutex_ held.
  const std::string n = std::to_string(++counter_);
  const std::string token =
      std::string(prefix) + "-" + n + "-" + s256(std::to_string(port_) + prefix + n);
  handed_out_.push_back(token);
  if (std::string(prefix) == "access") tokens_[token] = user;
  return token;
}

bool FakeSpotify::authorized(const httplib::Request& req, httplib::Response& res, bool user_only) {
  const std::string header = req.get_header_value("Authorization");
  const std::string token = header.rfind("Bearer ", 0) == 0 ? header.substr(7) : "";
  std::lock_guard<std::mutex> lock(mutex_);
  const auto it = tokens_.find(token);
  if (it == tokens_.end()) {
    error(res, 401, "Invalid access token");
    return false;
  }
  if (expired_.count(token)) {
    error(res, 401, "The access token expired");
    return false;
  }
  if (user_only && !it->second) {
    error(res, 401, "This endpoint needs a user token");
    return false;
  }
  return true;
}

void FakeSpotify::routes() {
  server_.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    Fault fault;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      // A key is a path, or "METHOD path"; a path ending in '*' stands for every path under it
      // (playlist ids are not known ahead).
      const auto matches = [&](const std::string& key) {
        std::string path = key;
        if (const auto space = key.find(' '); space != std::string::npos) {
          if (key.compare(0, space, req.method) != 0) return false;
          path = key.substr(space + 1);
        }
        if (!path.empty() && path.back() == '*') {
          return req.path.compare(0, path.size() - 1, path, 0, path.size() - 1) == 0;
        }
        return path == req.path;
      };
      auto it = std::find_if(faults_.begin(), faults_.end(), [&](const auto& entry) {
        return !entry.second.empty() && matches(entry.first);
      });
      if (it == faults_.end() || it->second.empty())
        return httplib::Server::HandlerResponse::Unhandled;
      fault = it->second.front();
      it->second.erase(it->second.begin());
      if (fault.after_handling) {
        late_faults_[req.path] = fault;
        return httplib::Server::HandlerResponse::Unhandled;
      }
      // Recorded on arrival, so a test sees a slow request even before its answer is sent.
      RecordedRequest recorded{req.method, req.path, req.body, {}};
      for (const auto& [k, v] : req.params) recorded.params.emplace(k, v);
      requests_.push_back(std::move(recorded));
    }
    res.set_header("X-Fake-Fault", "1");
    std::this_thread::sleep_for(fault.delay);
    res.status = fault.status;
    for (const auto& [k, v] : fault.headers) res.set_header(k, v);
    res.set_content(fault.body, "application/json");
    return httplib::Server::HandlerResponse::Handled;
  });

  // Normal requests are recorded after routing, when the body (and a form body's parameters) has
  // been read.
  server_.set_post_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    if (res.has_header("X-Fake-Fault")) return;
    std::lock_guard<std::mutex> lock(mutex_);
    if (const auto late = late_faults_.find(req.path); late != late_faults_.end()) {
      // This runs after the normal answer was compressed and measured: drop what describes it.
      res.headers.erase("Content-Encoding");
      res.headers.erase("Content-Length");
      res.headers.erase("Content-Type");
      res.status = late->second.status;
      res.set_content(late->second.body, "application/json");
      res.set_header("Content-Length", std::to_string(late->second.body.size()));
      late_faults_.erase(late);
    }
    RecordedRequest recorded{req.method, req.path, req.body, {}};
    for (const auto& [k, v] : req.params) recorded.params.emplace(k, v);
    requests_.push_back(std::move(recorded));
  });

  server_.Post("/api/token", [this](const httplib::Request& req, httplib::Response& res) {
    const std::string grant = req.get_param_value("grant_type");
    std::lock_guard<std::mutex> lock(mutex_);
    json answer{{"token_type", "Bearer"}, {"expires_in", 3600}};
    if (grant == "client_credentials") {
      if (req.get_header_value("Authorization") !=
          "Basic " + base64(client_id + ":" + client_secret, false))
        return oauth_error(res, "invalid_client", "Invalid client");
      answer["access_token"] = issue("access", false);
    } else if (grant == "authorization_code") {
      const auto it = codes_.find(req.get_param_value("code"));
      if (req.get_param_value("client_id") != client_id)
        return oauth_error(res, "invalid_client", "Invalid client");
      if (it == codes_.end())
        return oauth_error(res, "invalid_grant", "Invalid authorization code");
      if (it->second.redirect_uri != req.get_param_value("redirect_uri"))
        return oauth_error(res, "invalid_grant", "Invalid redirect URI");
      if (s256(req.get_param_value("code_verifier")) != it->second.challenge)
        return oauth_error(res, "invalid_grant", "code_verifier was incorrect");
      codes_.erase(it);
      handed_out_.push_back(req.get_param_value("code_verifier"));
      const std::string refresh = issue("refresh", true);
      refresh_tokens_.insert(refresh);
      answer["access_token"] = issue("access", true);
      answer["refresh_token"] = refresh;
      answer["scope"] = "playlist-modify-private playlist-modify-public";
    } else if (grant == "refresh_token") {
      if (req.get_param_value("client_id") != client_id)
        return oauth_error(res, "invalid_client", "Invalid client");
      if (!refresh_tokens_.count(req.get_param_value("refresh_token")))
        return oauth_error(res, "invalid_grant", "Refresh token revoked");
      answer["access_token"] = issue("access", true);
      if (rotate_refresh_token) {
        const std::string refresh = issue("refresh", true);
        refresh_tokens_.insert(refresh);
        answer["refresh_token"] = refresh;
      }
    } else {
      return oauth_error(res, "unsupported_grant_type", "grant_type must be given");
    }
    res.set_content(answer.dump(), "application/json");
  });

  server_.Get("/authorize", [this](const httplib::Request& req, httplib::Response& res) {
    const std::string redirect = req.get_param_value("redirect_uri");
    const std::string state = req.get_param_value("state");
    if (req.get_param_value("client_id") != client_id)
      return error(res, 400, "INVALID_CLIENT: Invalid client");
    if (redirect.rfind("http://127.0.0.1:", 0) != 0 ||
        req.get_param_value("response_type") != "code" ||
        req.get_param_value("code_challenge_method") != "S256")
      return error(res, 400, "Illegal authorization request");
    if (deny_authorization)
      return res.set_redirect(redirect + "?error=access_denied&state=" + state);
    std::lock_guard<std::mutex> lock(mutex_);
    const std::string code = issue("code", true);
    codes_[code] = {req.get_param_value("code_challenge"), redirect};
    res.set_redirect(redirect + "?code=" + code + "&state=" + state);
  });

  server_.Get("/v1/search", [this](const httplib::Request& req, httplib::Response& res) {
    if (!authorized(req, res, false)) return;
    const int limit = req.has_param("limit") ? std::stoi(req.get_param_value("limit")) : 5;
    const int offset = req.has_param("offset") ? std::stoi(req.get_param_value("offset")) : 0;
    if (req.get_param_value("type") != "track") return error(res, 400, "Unsupported type");
    if (limit < 1 || limit > 10) return error(res, 400, "Invalid limit");
    const std::string q = req.get_param_value("q");
    const std::string wanted_name = filter_value(q, "track");
    const std::string wanted_artist = filter_value(q, "artist");
    json items = json::array();
    for (int i = offset; i < std::min(offset + limit, search_total); ++i) {
      if (i % 7 == 3) {
        items.push_back(nullptr);  // Spotify's result lists may hold nulls
        continue;
      }
      const std::string id = spotify_id(q + "#" + std::to_string(i));
      if (!wanted_name.empty()) {
        // A near miss first, then the exact match, as real searches often rank them.
        items.push_back(i == 0 ? track(id, wanted_name + " (Live)", "Cover Band")
                               : track(id, wanted_name, wanted_artist));
      } else {
        items.push_back(track(id, q + " song " + std::to_string(i), "Artist " + std::to_string(i)));
      }
    }
    const bool more = offset + limit < search_total;
    json tracks{{"href", "x"},
                {"limit", limit},
                {"offset", offset},
                {"total", search_total},
                {"previous", nullptr},
                {"next", more ? json(api_url() + "/search?offset=" + std::to_string(offset + limit))
                              : json(nullptr)},
                {"items", items}};
    res.set_content(json{{"tracks", tracks}}.dump(), "application/json");
  });

  server_.Get("/v1/recommendations", [this](const httplib::Request& req, httplib::Response& res) {
    if (!authorized(req, res, false)) return;
    if (recommendations_status != 200)
      return error(res, recommendations_status,
                   recommendations_status == 404 ? "Not Found" : "Forbidden");
    json tracks = json::array();
    for (int i = 0; i < std::stoi(req.get_param_value("limit")); ++i) {
      json t = track(spotify_id("rec" + std::to_string(i)), "Recommended " + std::to_string(i),
                     "valence " + req.get_param_value("target_valence"));
      t.erase("album");  // recommendations give simplified tracks
      tracks.push_back(t);
    }
    res.set_content(json{{"seeds", json::array()}, {"tracks", tracks}}.dump(), "application/json");
  });

  server_.Post("/v1/me/playlists", [this](const httplib::Request& req, httplib::Response& res) {
    if (!authorized(req, res, true)) return;
    const auto body = json::parse(req.body, nullptr, false);
    if (!body.is_object() || !body.contains("name")) return error(res, 400, "Missing name");
    if (body.value("public", true)) return error(res, 400, "expected a private playlist");
    std::lock_guard<std::mutex> lock(mutex_);
    const std::string id = "pl" + std::to_string(++counter_);
    Playlist& p = playlists_[id];
    p.name = body["name"].get<std::string>();
    p.description = body.value("description", "");
    p.owner = kUserId;
    change(p);
    playlist_order_.push_back(id);
    res.status = 201;
    res.set_content(
        json{{"id", id},
             {"uri", "spotify:playlist:" + id},
             {"name", p.name},
             {"snapshot_id", p.snapshot},
             {"external_urls", {{"spotify", "https://open.spotify.com/playlist/" + id}}}}
            .dump(),
        "application/json");
  });

  server_.Get("/v1/me", [this](const httplib::Request& req, httplib::Response& res) {
    if (!authorized(req, res, true)) return;
    res.set_content(json{{"id", kUserId},
                         {"display_name", "Fake User"},
                         {"type", "user"},
                         {"uri", std::string("spotify:user:") + kUserId}}
                        .dump(),
                    "application/json");
  });

  // The user's library, newest first, as simplified playlist objects in either shape.
  server_.Get("/v1/me/playlists", [this](const httplib::Request& req, httplib::Response& res) {
    if (!authorized(req, res, true)) return;
    const int limit = req.has_param("limit") ? std::stoi(req.get_param_value("limit")) : 20;
    const int offset = req.has_param("offset") ? std::stoi(req.get_param_value("offset")) : 0;
    if (limit < 1 || limit > 50) return error(res, 400, "Invalid limit");
    std::lock_guard<std::mutex> lock(mutex_);
    const int total = static_cast<int>(playlist_order_.size());
    json items = json::array();
    for (int i = offset; i < std::min(offset + limit, total); ++i) {
      const std::string& id = playlist_order_[static_cast<std::size_t>(total - 1 - i)];
      const Playlist& p = playlists_.at(id);
      items.push_back(
          {{"collaborative", false},
           {"description", p.description},
           {"external_urls", {{"spotify", "https://open.spotify.com/playlist/" + id}}},
           {"href", api_url() + "/playlists/" + id},
           {"id", id},
           {"images", json::array()},
           {"name", p.name},
           {"owner", {{"id", p.owner}, {"display_name", p.owner}, {"type", "user"}}},
           {"public", false},
           {"snapshot_id", p.snapshot},
           {new_playlist_shape ? "items" : "tracks",
            {{"href", api_url() + "/playlists/" + id + "/items"}, {"total", p.uris.size()}}},
           {"type", "playlist"},
           {"uri", "spotify:playlist:" + id}});
    }
    const bool more = offset + limit < total;
    if (!more) items.push_back(nullptr);  // Spotify's lists may hold nulls
    res.set_content(
        json{{"href", "x"},
             {"limit", limit},
             {"offset", offset},
             {"total", total},
             {"previous", nullptr},
             {"next",
              more ? json(api_url() + "/me/playlists?offset=" + std::to_string(offset + limit))
                   : json(nullptr)},
             {"items", items}}
            .dump(),
        "application/json");
  });

  server_.Post(R"(/v1/playlists/([^/]+)/items)", [this](const httplib::Request& req,
                                                        httplib::Response& res) {
    if (!authorized(req, res, true)) return;
    const auto body = json::parse(req.body, nullptr, false);
    if (!body.is_object() || !body["uris"].is_array()) return error(res, 400, "Missing uris");
    if (body["uris"].size() > 100) return error(res, 400, "Too many ids requested");
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = playlists_.find(req.matches[1]);
    if (it == playlists_.end()) return error(res, 404, "Not found");
    Playlist& p = it->second;
    if (p.owner != kUserId)
      return error(res, 403, "You cannot add tracks to a playlist you don't own.");
    ++add_calls_;
    const std::size_t position = body.value("position", p.uris.size());
    std::vector<std::string> uris = body["uris"].get<std::vector<std::string>>();
    p.uris.insert(p.uris.begin() + static_cast<std::ptrdiff_t>(std::min(position, p.uris.size())),
                  uris.begin(), uris.end());
    change(p);
    res.status = 201;
    res.set_content(json{{"snapshot_id", p.snapshot}}.dump(), "application/json");
  });

  // Removes every occurrence of each URI, against a snapshot the playlist has had.
  server_.Delete(R"(/v1/playlists/([^/]+)/items)", [this](const httplib::Request& req,
                                                          httplib::Response& res) {
    if (!authorized(req, res, true)) return;
    const auto body = json::parse(req.body, nullptr, false);
    const char* list = new_playlist_shape ? "items" : "tracks";  // the key of this app's shape
    if (!body.is_object() || !body.contains(list) || !body[list].is_array())
      return error(res, 400, std::string("Missing ") + list);
    if (body[list].size() > 100) return error(res, 400, "Too many ids requested");
    std::set<std::string> gone;
    for (const auto& item : body[list]) {
      if (!item.is_object() || !item.contains("uri") || !item["uri"].is_string())
        return error(res, 400, "Invalid uri");
      gone.insert(item["uri"].get<std::string>());
    }
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = playlists_.find(req.matches[1]);
    if (it == playlists_.end()) return error(res, 404, "Not found");
    Playlist& p = it->second;
    if (p.owner != kUserId)
      return error(res, 403, "You cannot remove tracks from a playlist you don't own.");
    if (body.contains("snapshot_id") &&
        (!body["snapshot_id"].is_string() ||
         !p.snapshots.count(body["snapshot_id"].get<std::string>())))
      return error(res, 400, "Invalid snapshot id");
    p.uris.erase(std::remove_if(p.uris.begin(), p.uris.end(),
                                [&](const std::string& uri) { return gone.count(uri) > 0; }),
                 p.uris.end());
    change(p);
    res.set_content(json{{"snapshot_id", p.snapshot}}.dump(), "application/json");
  });

  server_.Get(R"(/v1/playlists/([^/]+)/items)", [this](const httplib::Request& req,
                                                       httplib::Response& res) {
    if (!authorized(req, res, true)) return;
    const int limit = std::stoi(req.get_param_value("limit"));
    const int offset = std::stoi(req.get_param_value("offset"));
    std::lock_guard<std::mutex> lock(mutex_);
    const auto it = playlists_.find(req.matches[1]);
    if (it == playlists_.end()) return error(res, 404, "Not found");
    const auto& uris = it->second.uris;
    const char* key = new_playlist_shape ? "item" : "track";
    json items = json::array();
    const int total = static_cast<int>(uris.size());
    for (int i = offset; i < std::min(offset + limit, total); ++i) {
      const std::string id = uris[static_cast<std::size_t>(i)].substr(14);
      items.push_back(
          {{"added_at", "2026-03-01T00:00:00Z"}, {key, track(id, "Song " + id, "Someone")}});
    }
    // A removed track and a podcast episode, which the client must skip.
    items.push_back({{"added_at", "2026-03-01T00:00:00Z"}, {key, nullptr}});
    items.push_back({{key, {{"type", "episode"}, {"id", "ep1"}, {"uri", "spotify:episode:ep1"}}}});
    res.set_content(json{{"limit", limit},
                         {"offset", offset},
                         {"total", total},
                         {"next", offset + limit < total ? json("more") : json(nullptr)},
                         {"items", items}}
                        .dump(),
                    "application/json");
  });
}

}  // namespace emomusic::spotify::test
