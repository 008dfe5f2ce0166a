// `emomusic login` end to end (the test plays the browser), the stored tokens, and the playlists
// that need them.

#include "emomusic/music/spotify/login.hpp"

#include <spdlog/sinks/stdout_sinks.h>
#include <sys/stat.h>

#include <thread>

#include "emomusic/core/error.hpp"
#include "emomusic/music/spotify/callback_listener.hpp"
#include "emomusic/music/spotify/client.hpp"
#include "emomusic/music/spotify/http_client.hpp"
#include "emomusic/music/spotify/url.hpp"
#include "spotify_fixture.hpp"

namespace emomusic::spotify::test {
namespace {

using LoginTest = SpotifyTest;

unsigned mode_of(const std::filesystem::path& p) {
  struct stat st {};
  EXPECT_EQ(::stat(p.c_str(), &st), 0) << p;
  return st.st_mode & 0777;
}

std::vector<std::string> track_uris(int n) {
  std::vector<std::string> uris;
  for (int i = 0; i < n; ++i) uris.push_back("spotify:track:id" + std::to_string(i));
  return uris;
}

TEST_F(LoginTest, PkceLoginEndToEndStoresAPrivateRefreshToken) {
  const UserTokens tokens = login();
  EXPECT_EQ(tokens.client_id, fake.client_id);
  EXPECT_FALSE(tokens.refresh_token.empty());
  EXPECT_EQ(mode_of(config().token_path), 0600u);
  const auto stored = load_user_tokens(config().token_path);
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->refresh_token, tokens.refresh_token);

  const auto requests = fake.requests();
  const auto authorize = std::find_if(requests.begin(), requests.end(),
                                      [](const auto& r) { return r.path == "/authorize"; });
  ASSERT_NE(authorize, requests.end());
  EXPECT_EQ(authorize->params.at("code_challenge_method"), "S256");
  EXPECT_EQ(authorize->params.at("response_type"), "code");
  EXPECT_NE(authorize->params.at("scope").find("playlist-modify-private"), std::string::npos);
  EXPECT_EQ(authorize->params.at("redirect_uri").rfind("http://127.0.0.1:", 0), 0u);
  EXPECT_GE(authorize->params.at("state").size(), 16u);
  // The token exchange carried no client secret: PKCE needs none.
  int exchanges = 0;
  for (const auto& r : requests) {
    if (r.path != "/api/token") continue;
    ++exchanges;
    EXPECT_EQ(r.params.at("grant_type"), "authorization_code");
    EXPECT_EQ(r.params.count("code_verifier"), 1u);
    EXPECT_EQ(r.params.count("client_secret"), 0u);
  }
  EXPECT_EQ(exchanges, 1);
}

TEST_F(LoginTest, AForeignStateIsRejectedBeforeTheCodeIsUsed) {
  LoginOptions options;
  options.timeout = std::chrono::seconds(10);
  LoginFlow flow(config(), fake.client_id, options);
  std::thread browser([&] { play_browser(flow.authorize_url(), "forged-state"); });
  const auto message = expect_throw<ServiceError>([&] { flow.finish(); });
  browser.join();
  EXPECT_NE(message.find("state"), std::string::npos) << message;
  EXPECT_EQ(fake.count("POST", "/api/token"), 0);
  EXPECT_FALSE(std::filesystem::exists(config().token_path));
}

TEST_F(LoginTest, ADeclinedLoginSaysSo) {
  fake.deny_authorization = true;
  const auto message = expect_throw<ServiceError>([&] { login(); });
  EXPECT_NE(message.find("access_denied"), std::string::npos) << message;
  EXPECT_FALSE(std::filesystem::exists(config().token_path));
}

TEST_F(LoginTest, NoBrowserAnswerTimesOut) {
  LoginOptions options;
  options.timeout = std::chrono::seconds(1);
  LoginFlow flow(config(), fake.client_id, options);
  const auto message = expect_throw<ServiceError>([&] { flow.finish(); });
  EXPECT_NE(message.find("no answer from the browser"), std::string::npos) << message;
}

TEST_F(LoginTest, ListenerBindsTheLoopbackAddressOnly) {
  CallbackListener listener;
  EXPECT_EQ(listener.redirect_uri(),
            "http://127.0.0.1:" + std::to_string(listener.port()) + "/callback");
  // Taking the same port again must fail with advice, not silently share it.
  const auto message =
      expect_throw<PortInUseError>([&] { CallbackListener second(listener.port()); });
  EXPECT_NE(message.find(std::to_string(listener.port())), std::string::npos) << message;
  EXPECT_NE(message.find("choose another port"), std::string::npos) << message;
}

TEST_F(LoginTest, CreatesAPrivatePlaylistInBatchesOf100) {
  login();
  const auto uris = track_uris(250);
  SpotifyClient client(config());
  const CreatedPlaylist created = client.create_playlist("Calm evening", uris);
  EXPECT_EQ(created.tracks_added, 250u);
  EXPECT_EQ(created.url, "https://open.spotify.com/playlist/" + created.id);
  EXPECT_EQ(fake.add_calls(), 3);
  EXPECT_EQ(fake.playlist_uris(created.id), uris);
  EXPECT_EQ(to_json(created), (nlohmann::json{{"id", created.id},
                                              {"uri", "spotify:playlist:" + created.id},
                                              {"url", created.url},
                                              {"tracks_added", 250}}));
  for (const auto& r : fake.requests()) {
    if (r.path != "/v1/me/playlists") continue;
    EXPECT_EQ(nlohmann::json::parse(r.body).at("public"), false);
    EXPECT_EQ(nlohmann::json::parse(r.body).at("name"), "Calm evening");
  }
}

TEST_F(LoginTest, ABatchTheServerAddedButAnsweredBadlyForIsCountedAndTheRestFollow) {
  // Before: "only 0 of 250 tracks were added" while the server held 100 of them.
  login();
  const auto uris = track_uris(250);
  Fault garbled{201, "<html>oops", {}, {}, /*after_handling=*/true};
  fake.inject("/v1/playlists/*", garbled);
  SpotifyClient client(config());
  const CreatedPlaylist created = client.create_playlist("Bad answer", uris);
  EXPECT_EQ(created.tracks_added, 250u);
  EXPECT_EQ(fake.playlist_uris(created.id), uris);
}

TEST_F(LoginTest, AFailedBatchReportsWhatThePlaylistReallyHolds) {
  login();
  const auto uris = track_uris(250);
  SpotifyClient client(config());
  Fault added_ok;  // the real handling, answered as Spotify does
  added_ok.status = 200;
  added_ok.body = R"({"snapshot_id":"s"})";
  added_ok.after_handling = true;
  Fault added_then_500;  // a 500 for a POST that was processed: not retried, not counted
  added_then_500.after_handling = true;
  Fault refused;  // not processed
  refused.status = 400;
  refused.body = R"({"error":{"status":400,"message":"Invalid base62 id"}})";

  // The second batch fails and the recount fails too: only the confirmed 100 are claimed.
  fake.inject("POST /v1/playlists/*", added_ok);
  fake.inject("POST /v1/playlists/*", added_then_500);
  fake.inject("GET /v1/playlists/*", refused);
  const auto half = expect_throw<ServiceError>([&] { client.create_playlist("Half", uris); });
  EXPECT_NE(half.find("at least 100 of 250"), std::string::npos) << half;

  // The second batch's 500 came after it was added: the recount shows it, so the third follows;
  // the third is refused, and the recount gives the real 200 (before: "only 200", by luck, or
  // "only 0" when the first batch failed this way).
  fake.inject("POST /v1/playlists/*", added_ok);
  fake.inject("POST /v1/playlists/*", added_then_500);
  fake.inject("POST /v1/playlists/*", refused);
  const auto counted = expect_throw<ServiceError>([&] { client.create_playlist("Counted", uris); });
  EXPECT_NE(counted.find("was created, but 200 of 250"), std::string::npos) << counted;
}

TEST_F(LoginTest, AnOversizedAnswerIsRefusedNotBuffered) {
  login();
  Fault huge;
  huge.status = 201;
  huge.body = std::string(kMaxResponseBytes + 1024, ' ');
  fake.inject("/v1/me/playlists", huge);
  SpotifyClient client(config());
  const auto message =
      expect_throw<ServiceError>([&] { client.create_playlist("Huge", track_uris(1)); });
  EXPECT_NE(message.find("larger than 16 MiB"), std::string::npos) << message;
  EXPECT_EQ(fake.count("POST", "/v1/me/playlists"), 1) << "must not be retried";
}

TEST_F(LoginTest, ALongErrorMessageFromTheServerIsQuotedShort) {
  login();
  Fault verbose;
  verbose.status = 400;
  verbose.body =
      R"({"error":{"status":400,"message":")" + std::string(1 << 20, 'x') + R"(\n\u001b[2J"}})";
  fake.inject("/v1/me/playlists", verbose);
  SpotifyClient client(config());
  const auto message =
      expect_throw<ServiceError>([&] { client.create_playlist("Long", track_uris(1)); });
  EXPECT_NE(message.find("xxxxxxxx… (1048581 bytes)"), std::string::npos) << message.substr(0, 300);
  EXPECT_LT(message.size(), 600u) << message.substr(0, 300);
  EXPECT_EQ(message.find('\x1b'), std::string::npos);
}

TEST_F(LoginTest, PlaylistTracksReadBothShapes) {
  login();
  SpotifyClient client(config());
  const auto created = client.create_playlist("Both shapes", track_uris(3));
  for (const bool new_shape : {true, false}) {
    SCOPED_TRACE(new_shape);
    fake.new_playlist_shape = new_shape;
    const auto tracks = client.playlist_tracks(created.id);
    ASSERT_EQ(tracks.size(), 3u);  // the null item and the episode are skipped
    EXPECT_EQ(tracks[2].uri, "spotify:track:id2");
  }
}

TEST_F(LoginTest, TheUsersLibraryIsReadPageByPageWithEachPlaylistsOwner) {
  login();
  SpotifyClient client(config());
  for (int i = 0; i < 55; ++i) fake.add_playlist("Mine " + std::to_string(i), "by hand", {});
  fake.add_playlist("Followed", "", {}, "someone-else");
  const auto all = client.my_playlists();
  ASSERT_EQ(all.size(), 56u);  // the null entry is skipped
  EXPECT_EQ(all.front().name, "Followed");
  EXPECT_EQ(all.front().owner_id, "someone-else");
  EXPECT_EQ(all.back().name, "Mine 0");
  EXPECT_EQ(all.back().description, "by hand");
  EXPECT_EQ(all.back().url, "https://open.spotify.com/playlist/" + all.back().id);
  EXPECT_FALSE(all.back().snapshot_id.empty());
  EXPECT_EQ(client.current_user_id(), FakeSpotify::kUserId);
  EXPECT_EQ(fake.count("GET", "/v1/me/playlists"), 2);
  for (const auto& r : fake.requests())
    if (r.path == "/v1/me/playlists") EXPECT_EQ(r.params.at("limit"), "50");
}

TEST_F(LoginTest, RemovingTakesEveryOccurrenceAndRefusesAStrangeSnapshot) {
  login();
  SpotifyClient client(config());
  const std::string id =
      fake.add_playlist("Repeats", "", {"spotify:track:a", "spotify:track:b", "spotify:track:a"});
  const std::string snapshot = client.remove_from_playlist(id, {"spotify:track:a"}, "");
  EXPECT_EQ(fake.playlist_uris(id), std::vector<std::string>{"spotify:track:b"});
  EXPECT_FALSE(snapshot.empty());
  const auto message = expect_throw<ServiceError>(
      [&] { client.remove_from_playlist(id, {"spotify:track:b"}, "not-a-snapshot"); });
  EXPECT_NE(message.find("0 of 1 tracks were removed"), std::string::npos) << message;
  EXPECT_NE(message.find("HTTP 400"), std::string::npos) << message;
  EXPECT_EQ(fake.playlist_uris(id), std::vector<std::string>{"spotify:track:b"});
}

TEST_F(LoginTest, AnExpiredUserTokenIsRefreshedAndTheOldRefreshTokenKept) {
  const UserTokens first = login();
  fake.expire_tokens();
  SpotifyClient client(config());
  client.create_playlist("After expiry", track_uris(2));
  const auto stored = load_user_tokens(config().token_path);
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->refresh_token, first.refresh_token) << "no new one came, so the old stays";
  EXPECT_NE(stored->access_token, first.access_token);
  EXPECT_EQ(mode_of(config().token_path), 0600u);

  fake.rotate_refresh_token = true;
  fake.expire_tokens();
  SpotifyClient again(config());
  again.create_playlist("Rotated", track_uris(1));
  EXPECT_NE(load_user_tokens(config().token_path)->refresh_token, first.refresh_token);
}

TEST_F(LoginTest, PlaylistsNeedALogin) {
  SpotifyClient client(config());
  const auto message =
      expect_throw<UsageError>([&] { client.create_playlist("x", track_uris(1)); });
  EXPECT_NE(message.find("emomusic login"), std::string::npos) << message;
}

TEST_F(LoginTest, BadPlaylistInputIsRefusedBeforeAnyRequest) {
  login();
  const auto before = fake.requests().size();
  SpotifyClient client(config());
  expect_throw<UsageError>([&] { client.create_playlist("x", {"spotify:track:ok", "http://x"}); });
  expect_throw<UsageError>([&] { client.create_playlist("", track_uris(1)); });
  expect_throw<UsageError>([&] { client.create_playlist("x", {}); });
  EXPECT_EQ(fake.requests().size(), before);
}

TEST_F(LoginTest, LogoutForgetsTheTokens) {
  login();
  EXPECT_TRUE(logout(config()));
  EXPECT_FALSE(std::filesystem::exists(config().token_path));
  EXPECT_FALSE(logout(config()));
}

TEST_F(LoginTest, ATokenFileOthersCanReadIsRefused) {
  login();
  std::filesystem::permissions(config().token_path, std::filesystem::perms::group_read,
                               std::filesystem::perm_options::add);
  const auto message = expect_throw<InputError>([&] { load_user_tokens(config().token_path); });
  EXPECT_NE(message.find("chmod 600"), std::string::npos) << message;
}

TEST_F(LoginTest, NoSecretReachesStdoutOrStderrEvenAtTrace) {
  auto previous = spdlog::default_logger();
  auto logger = spdlog::stderr_logger_mt("spotify-stderr-test");
  logger->set_level(spdlog::level::trace);
  spdlog::set_default_logger(logger);
  testing::internal::CaptureStdout();
  testing::internal::CaptureStderr();
  {
    login();
    fake.expire_tokens();
    fake.inject(
        "/v1/search",
        {429, R"({"error":{"status":429,"message":"slow down"}})", {{"Retry-After", "0"}}, {}});
    fake.inject("/v1/search", Fault{});
    SpotifyClient client(config(), Credentials{fake.client_id, fake.client_secret});
    client.search_tracks("secrets", 3);
    client.create_playlist("Secret-free", track_uris(2));
    SpotifyClient wrong(config(), Credentials{fake.client_id, "not-the-secret"});
    expect_throw<ServiceError>([&] { wrong.search_tracks("other", 1); });
  }
  const std::string out = testing::internal::GetCapturedStdout();
  const std::string err = testing::internal::GetCapturedStderr();
  spdlog::set_default_logger(previous);
  spdlog::drop("spotify-stderr-test");
  EXPECT_NE(err.find("retrying"), std::string::npos) << "the trace log did not reach stderr";
  for (const auto& secret : fake.secrets()) {
    EXPECT_EQ(out.find(secret), std::string::npos) << "a secret reached stdout";
    EXPECT_EQ(err.find(secret), std::string::npos) << "a secret reached stderr";
  }
  EXPECT_EQ(err.find("not-the-secret"), std::string::npos);
}

}  // namespace
}  // namespace emomusic::spotify::test
