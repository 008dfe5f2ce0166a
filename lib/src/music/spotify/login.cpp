#include "emomusic/music/spotify/login.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <sstream>
#include <thread>

#include "emomusic/core/error.hpp"
#include "emomusic/music/spotify/callback_listener.hpp"
#include "emomusic/music/spotify/http_client.hpp"
#include "emomusic/music/spotify/pkce.hpp"
#include "emomusic/music/spotify/request_sender.hpp"
#include "emomusic/music/spotify/tokens.hpp"

extern char** environ;

namespace emomusic::spotify {

LoginFlow::LoginFlow(SpotifyConfig config, std::string client_id, LoginOptions options)
    : config_(std::move(config)),
      client_id_(std::move(client_id)),
      options_(std::move(options)),
      listener_(std::make_unique<CallbackListener>(options_.port)) {
  const Pkce pkce = make_pkce();
  verifier_ = pkce.verifier;
  state_ = random_state();
  authorize_url_ =
      spotify::authorize_url(config_.accounts_url, client_id_, listener_->redirect_uri(),
                             options_.scopes, state_, pkce.challenge);
}

LoginFlow::~LoginFlow() = default;

UserTokens LoginFlow::finish() {
  const auto params = listener_->wait(options_.timeout);
  const auto value = [&](const char* key) {
    const auto it = params.find(key);
    return it == params.end() ? std::string() : it->second;
  };
  // The state is checked first: an answer with a foreign state is not ours to interpret.
  if (value("state") != state_)
    throw ServiceError(
        "the login answer's state does not match this login (a stale browser tab, or a forged "
        "request); run `emomusic login` again");
  if (!value("error").empty())
    throw ServiceError("Spotify reported \"" + value("error") +
                       "\": access was not granted; run `emomusic login` and accept");
  if (value("code").empty())
    throw ServiceError(
        "the login answer carries no authorization code; run `emomusic login` again");

  HttpClient http(config_.timeouts);
  RequestSender sender(http, config_.retry);
  const TokenGrant grant = request_token(config_, sender,
                                         {{"grant_type", "authorization_code"},
                                          {"code", value("code")},
                                          {"redirect_uri", listener_->redirect_uri()},
                                          {"client_id", client_id_},
                                          {"code_verifier", verifier_}});
  if (grant.refresh_token.empty())
    throw ServiceError("Spotify granted no refresh token, so the login could not be kept");
  UserTokens tokens{client_id_, grant.refresh_token, grant.access_token, grant.expires_at,
                    grant.scope};
  save_user_tokens(config_.token_path, tokens);
  return tokens;
}

bool open_in_browser(const std::string& url) {
  const char* path = std::getenv("PATH");
  bool found = false;
  std::istringstream dirs(path ? path : "");
  for (std::string dir; std::getline(dirs, dir, ':') && !found;)
    found = !dir.empty() && ::access((dir + "/xdg-open").c_str(), X_OK) == 0;
  if (!found) return false;

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  // xdg-open's own chatter would mix into emomusic's output.
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  std::string program = "xdg-open";
  std::string argument = url;
  char* argv[] = {program.data(), argument.data(), nullptr};
  pid_t pid = 0;
  const int rc = posix_spawnp(&pid, "xdg-open", &actions, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) return false;
  // Reaped in the background: a terminal browser may keep xdg-open running during the login.
  std::thread([pid] { ::waitpid(pid, nullptr, 0); }).detach();
  return true;
}

bool logout(const SpotifyConfig& config) {
  return remove_user_tokens(config.token_path);
}

}  // namespace emomusic::spotify
