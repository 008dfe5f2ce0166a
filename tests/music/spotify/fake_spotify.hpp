#pragma once
// A real HTTP server on 127.0.0.1 that speaks the shapes of Spotify's accounts service and Web API
// (../shared/docs/spotify-web-api.md) for the client's tests: tokens, search, recommendations,
// the user (GET /me) and their playlists (list, create, read, add, remove), the PKCE
// authorize/redirect step, and faults injected per path.

#include <httplib.h>

#include <chrono>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace emomusic::spotify::test {

struct RecordedRequest {
  std::string method;
  std::string path;
  std::string body;
  std::map<std::string, std::string> params;
};

/// One canned answer that replaces the normal handling of the next request to a path.
struct Fault {
  int status = 500;
  std::string body = R"({"error":{"status":500,"message":"Server error"}})";
  std::map<std::string, std::string> headers;
  std::chrono::milliseconds delay{0};
  /// The request is handled as usual first and only its answer replaced: a server that did the
  /// work and then answered badly.
  bool after_handling = false;
};

class FakeSpotify {
 public:
  FakeSpotify();
  ~FakeSpotify();
  FakeSpotify(const FakeSpotify&) = delete;
  FakeSpotify& operator=(const FakeSpotify&) = delete;

  std::string accounts_url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::string api_url() const { return accounts_url() + "/v1"; }

  // The registered app.
  const std::string client_id = "fake-client-id-4c1e";
  const std::string client_secret = "fake-client-secret-9b7d2f";

  // Behaviour knobs; set them before the client sends anything.
  int search_total = 35;              ///< matches per search query
  int recommendations_status = 404;   ///< 200 serves them
  bool new_playlist_shape = true;     ///< "item" entries and removals, else "track(s)"
  bool rotate_refresh_token = false;  ///< send a new refresh token when refreshing
  bool deny_authorization = false;    ///< /authorize answers error=access_denied

  /// The next `times` requests to `path` (e.g. "/v1/search"; "/v1/playlists/*" for every path
  /// under /v1/playlists/; "POST /v1/playlists/*" for POSTs only) get `fault` instead.
  void inject(const std::string& path, const Fault& fault, int times = 1);
  /// Every token issued so far now gets 401 "The access token expired".
  void expire_tokens();

  std::vector<RecordedRequest> requests() const;
  /// Requests whose method matches and whose path starts with `path_prefix`.
  int count(const std::string& method, const std::string& path_prefix) const;
  /// Every secret this server handed out or accepted: tokens, codes, the client secret.
  std::vector<std::string> secrets() const;
  /// URIs added to a playlist, in order.
  std::vector<std::string> playlist_uris(const std::string& playlist_id) const;
  /// Number of POSTs to /v1/playlists/{id}/items.
  int add_calls() const;
  /// The ids of the playlists created so far, in order.
  std::vector<std::string> playlist_ids() const;
  /// A refresh token of a user who logged in, for a program that plays one without a browser.
  std::string grant_refresh_token();
  /// Puts a playlist holding `uris` in the user's library, as if made elsewhere (by another app,
  /// or by `owner` and followed); returns its id.
  std::string add_playlist(const std::string& name, const std::string& description,
                           const std::vector<std::string>& uris,
                           const std::string& owner = kUserId);

  /// The Spotify id of the user who logs in.
  static constexpr const char* kUserId = "fake-user";

 private:
  void routes();
  // Checks the bearer token; on failure writes the 401 and returns false.
  bool authorized(const httplib::Request& req, httplib::Response& res, bool user_only);
  std::string issue(const char* prefix, bool user);

  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;

  mutable std::mutex mutex_;
  std::vector<RecordedRequest> requests_;
  std::map<std::string, std::vector<Fault>> faults_;
  std::map<std::string, Fault> late_faults_;  ///< after_handling faults, by path, applied after
  std::map<std::string, bool> tokens_;        // live access token -> is a user token
  std::set<std::string> expired_;
  std::vector<std::string> handed_out_;
  std::set<std::string> refresh_tokens_;
  struct PendingCode {
    std::string challenge;
    std::string redirect_uri;
  };
  std::map<std::string, PendingCode> codes_;
  struct Playlist {
    std::string name;
    std::string description;
    std::string owner;
    std::vector<std::string> uris;
    std::set<std::string> snapshots;  ///< every version it has had; the last is its current
    std::string snapshot;
  };
  // Called with mutex_ held: a new version of `p`.
  void change(Playlist& p);
  std::map<std::string, Playlist> playlists_;
  std::vector<std::string> playlist_order_;
  int add_calls_ = 0;
  int counter_ = 0;
};

/// base64url(SHA-256(text)) without padding, computed independently of the client's code.
std::string s256(const std::string& text);

}  // namespace emomusic::spotify::test
