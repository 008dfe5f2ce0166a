#pragma once
/// @file
/// `emomusic login`: the user lets emomusic manage playlists in their account, and the refresh
/// token is kept (mode 0600) for later runs. `emomusic logout` forgets it.

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "emomusic/core/value_range.hpp"
#include "emomusic/music/spotify/config.hpp"
#include "emomusic/music/spotify/token_store.hpp"

namespace emomusic::spotify {

class CallbackListener;

/// Seconds a login may wait for the browser.
inline constexpr ValueRange<int> kLoginWaitRange{1, 3600};

struct LoginOptions {
  int port = 0;  ///< loopback port; 0 picks a free one (Spotify ignores the port for 127.0.0.1)
  std::vector<std::string> scopes = {"playlist-modify-private", "playlist-modify-public"};
  std::chrono::seconds timeout{300};  ///< how long to wait for the browser
};

/// One login: construct (binds the listener), show authorize_url() to the user, then finish().
class LoginFlow {
 public:
  LoginFlow(SpotifyConfig config, std::string client_id, LoginOptions options = {});
  ~LoginFlow();
  LoginFlow(const LoginFlow&) = delete;
  LoginFlow& operator=(const LoginFlow&) = delete;

  const std::string& authorize_url() const { return authorize_url_; }

  /// Waits for the browser's callback, checks `state`, trades the code and the PKCE verifier for
  /// tokens and stores them at config.token_path. Throws ServiceError when the user declined, the
  /// state does not match, or Spotify refused the code.
  UserTokens finish();

 private:
  SpotifyConfig config_;
  std::string client_id_;
  LoginOptions options_;
  std::unique_ptr<CallbackListener> listener_;
  std::string verifier_;
  std::string state_;
  std::string authorize_url_;
};

/// Opens `url` with xdg-open when it is on PATH, without waiting for it; returns whether it
/// started.
bool open_in_browser(const std::string& url);

/// Deletes the stored tokens; returns whether there were any.
bool logout(const SpotifyConfig& config);

}  // namespace emomusic::spotify
