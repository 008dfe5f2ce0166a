// The fake Spotify of the client tests as a program, for tests of whole programs (the browser
// test of `emomusic serve`): it plays a user who ran `emomusic login` by writing TOKEN_FILE, prints
// the environment that points emomusic at it, and serves until SIGTERM or SIGINT; then it writes
// each playlist created, one JSON line {"id", "uris"} each, to PLAYLISTS_FILE.
// Usage: fake_spotify_server TOKEN_FILE PLAYLISTS_FILE

#include <signal.h>

#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "emomusic/music/spotify/token_store.hpp"
#include "fake_spotify.hpp"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: fake_spotify_server TOKEN_FILE PLAYLISTS_FILE\n";
    return 2;
  }
  // Blocked before the server's threads start, so that only sigwait() below takes them.
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGTERM);
  sigaddset(&stop, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);

  emomusic::spotify::test::FakeSpotify fake;
  emomusic::spotify::UserTokens tokens;
  tokens.client_id = fake.client_id;
  tokens.refresh_token = fake.grant_refresh_token();
  tokens.scope = "playlist-modify-private playlist-modify-public";
  // No access token: the first playlist request refreshes, as after a login that has expired.
  emomusic::spotify::save_user_tokens(argv[1], tokens);
  std::cout << "EMOMUSIC_SPOTIFY_API_URL=" << fake.api_url() << '\n'
            << "EMOMUSIC_SPOTIFY_ACCOUNTS_URL=" << fake.accounts_url() << '\n'
            << "SPOTIFY_CLIENT_ID=" << fake.client_id << '\n'
            << "SPOTIFY_CLIENT_SECRET=" << fake.client_secret << std::endl;

  int signal = 0;
  sigwait(&stop, &signal);
  std::ofstream out(argv[2]);
  for (const auto& id : fake.playlist_ids()) {
    out << nlohmann::json{{"id", id}, {"uris", fake.playlist_uris(id)}}.dump() << '\n';
  }
  return out ? 0 : 1;
}
