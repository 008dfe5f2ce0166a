// Keeping a playlist fresh (issue 21): session::refresh_in_spotify() and Recommender::refresh()
// against a server speaking Spotify's shapes on 127.0.0.1 (tests/music/spotify/fake_spotify.hpp).
// What stays, what goes, the order of the requests, a failure half-way, which playlist is meant,
// and batches of 100.

#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "emomusic/core/error.hpp"
#include "emomusic/music/spotify/client.hpp"
#include "emomusic/session/playlist.hpp"
#include "emomusic/session/recommender.hpp"
#include "spotify_fixture.hpp"

namespace emomusic::session {
namespace {

using nlohmann::json;
using spotify::test::Fault;

// A Spotify-shaped id (22 letters and digits) for each number.
std::string id_of(int n) {
  const std::string digits = std::to_string(n);
  return "trk" + std::string(19 - digits.size(), '0') + digits;
}

// The ids of the numbers [from, to).
std::vector<std::string> ids(int from, int to) {
  std::vector<std::string> out;
  for (int n = from; n < to; ++n) out.push_back(id_of(n));
  return out;
}

std::vector<std::string> uris(const std::vector<std::string>& track_ids) {
  std::vector<std::string> out;
  for (const auto& id : track_ids) out.push_back("spotify:track:" + id);
  return out;
}

std::vector<std::string> operator+(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

class PlaylistRefreshTest : public spotify::test::SpotifyTest {
 protected:
  void SetUp() override {
    SpotifyTest::SetUp();
    login();
    client = std::make_unique<spotify::SpotifyClient>(config(), credentials());
  }

  // Spotify answers the requests matching `route` with 403 Forbidden.
  void refuse(const std::string& route) {
    Fault refused;
    refused.status = 403;
    refused.body = R"({"error":{"status":403,"message":"Forbidden"}})";
    fake.inject(route, refused);
  }

  // The requests that changed playlist `id`, as "POST" and "DELETE", in the order they came.
  std::vector<spotify::test::RecordedRequest> changes(const std::string& id) const {
    std::vector<spotify::test::RecordedRequest> out;
    for (const auto& r : fake.requests())
      if (r.path == "/v1/playlists/" + id + "/items" && r.method != "GET") out.push_back(r);
    return out;
  }

  std::unique_ptr<spotify::SpotifyClient> client;
};

TEST_F(PlaylistRefreshTest, ReplacesTheTracksKeepingThoseThatStay) {
  const std::string id =
      fake.add_playlist("Sunday mood", kSavedPlaylistDescription, uris(ids(0, 6)));
  fake.add_playlist("Other", kSavedPlaylistDescription, uris(ids(0, 6)));
  // Three old tracks stay, three are new, and one is only in the local catalog.
  const auto wanted = ids(3, 9) + std::vector<std::string>{"starter-local-only"};
  const RefreshedPlaylist refreshed = refresh_in_spotify(*client, "Sunday mood", wanted);

  EXPECT_EQ(refreshed.id, id);
  EXPECT_EQ(refreshed.url, "https://open.spotify.com/playlist/" + id);
  EXPECT_EQ(refreshed.added, 3u);
  EXPECT_EQ(refreshed.removed, 3u);
  EXPECT_EQ(refreshed.kept, 3u);
  EXPECT_EQ(refreshed.left_out, 1u);
  // The kept tracks where they were, the new ones after them.
  EXPECT_EQ(fake.playlist_uris(id), uris(ids(3, 9)));
  EXPECT_EQ(to_json(refreshed).dump(),
            nlohmann::ordered_json({{"id", id},
                                    {"url", "https://open.spotify.com/playlist/" + id},
                                    {"added", 3},
                                    {"removed", 3},
                                    {"kept", 3},
                                    {"left_out", 1}})
                .dump());
  // Only the named playlist changed, and nothing was created.
  EXPECT_EQ(fake.count("POST", "/v1/me/playlists"), 0);
  EXPECT_EQ(fake.playlist_ids().size(), 2u);
  EXPECT_EQ(fake.playlist_uris(fake.playlist_ids()[1]), uris(ids(0, 6)));
}

// An app that Spotify has not moved to the 2026 shapes takes removals under "tracks".
TEST_F(PlaylistRefreshTest, RemovesAlsoWhereSpotifyKeepsTheOlderShape) {
  fake.new_playlist_shape = false;
  const std::string id =
      fake.add_playlist("Sunday mood", kSavedPlaylistDescription, uris(ids(0, 6)));
  const RefreshedPlaylist refreshed = refresh_in_spotify(*client, "Sunday mood", ids(3, 9));
  EXPECT_EQ(refreshed.removed, 3u);
  EXPECT_EQ(fake.playlist_uris(id), uris(ids(3, 9)));
}

TEST_F(PlaylistRefreshTest, AddsBeforeItRemovesAgainstTheSnapshotItLeft) {
  const std::string id =
      fake.add_playlist("Sunday mood", kSavedPlaylistDescription, uris(ids(0, 4)));
  refresh_in_spotify(*client, "Sunday mood", ids(2, 6));
  const auto sent = changes(id);
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[0].method, "POST");
  EXPECT_EQ(json::parse(sent[0].body)["uris"], json(uris(ids(4, 6))));
  EXPECT_EQ(sent[1].method, "DELETE");
  const json removal = json::parse(sent[1].body);
  EXPECT_EQ(removal["items"], json::parse(R"([{"uri":"spotify:track:)" + id_of(0) +
                                          R"("},{"uri":"spotify:track:)" + id_of(1) + R"("}])"));
  EXPECT_TRUE(removal["snapshot_id"].is_string()) << removal.dump();
  EXPECT_EQ(fake.playlist_uris(id), uris(ids(2, 6)));
}

TEST_F(PlaylistRefreshTest, AFailedRemovalLeavesTheOldAndTheNewTracksAndSaysSo) {
  const std::string id =
      fake.add_playlist("Sunday mood", kSavedPlaylistDescription, uris(ids(0, 6)));
  refuse("DELETE /v1/playlists/*");
  const std::string message =
      expect_throw<ServiceError>([&] { refresh_in_spotify(*client, "Sunday mood", ids(3, 9)); });
  EXPECT_NE(message.find("\"Sunday mood\""), std::string::npos) << message;
  EXPECT_NE(message.find("holds the 6 tracks of the new playlist and still old tracks"),
            std::string::npos)
      << message;
  EXPECT_NE(message.find("HTTP 403"), std::string::npos) << message;
  EXPECT_EQ(fake.playlist_uris(id), uris(ids(0, 9)));

  // The next refresh finishes the job.
  const auto again = refresh_in_spotify(*client, "Sunday mood", ids(3, 9));
  EXPECT_EQ(again.added, 0u);
  EXPECT_EQ(again.kept, 6u);
  EXPECT_EQ(again.removed, 3u);
  EXPECT_EQ(fake.playlist_uris(id), uris(ids(3, 9)));
}

TEST_F(PlaylistRefreshTest, AFailedAdditionLeavesTheOldTracksAndRemovesNothing) {
  const std::string id =
      fake.add_playlist("Sunday mood", kSavedPlaylistDescription, uris(ids(0, 6)));
  refuse("POST /v1/playlists/*");
  const std::string message =
      expect_throw<ServiceError>([&] { refresh_in_spotify(*client, "Sunday mood", ids(3, 9)); });
  EXPECT_NE(message.find("keeps all its old tracks"), std::string::npos) << message;
  EXPECT_EQ(fake.count("DELETE", "/v1/playlists/"), 0);
  EXPECT_EQ(fake.playlist_uris(id), uris(ids(0, 6)));
}

TEST_F(PlaylistRefreshTest, AMissingPlaylistIsNotFoundNamingIt) {
  fake.add_playlist("Sunday moods", kSavedPlaylistDescription, uris(ids(0, 2)));
  const std::string missing =
      expect_throw<NotFoundError>([&] { refresh_in_spotify(*client, "Sunday mood", ids(0, 3)); });
  EXPECT_NE(missing.find("no playlist named \"Sunday mood\" among the 1 playlists"),
            std::string::npos)
      << missing;

  // One the user only follows cannot be changed: it is not theirs.
  const std::string followed =
      fake.add_playlist("Sunday mood", kSavedPlaylistDescription, uris(ids(0, 2)), "someone-else");
  const std::string foreign =
      expect_throw<NotFoundError>([&] { refresh_in_spotify(*client, "Sunday mood", ids(0, 3)); });
  EXPECT_NE(foreign.find("no playlist of yours is named \"Sunday mood\""), std::string::npos)
      << foreign;
  EXPECT_NE(foreign.find("someone-else"), std::string::npos) << foreign;
  EXPECT_EQ(fake.count("POST", "/v1/playlists/"), 0);
  EXPECT_EQ(fake.count("DELETE", "/v1/playlists/"), 0);
  EXPECT_EQ(fake.playlist_uris(followed), uris(ids(0, 2)));
}

TEST_F(PlaylistRefreshTest, OfSeveralWithTheNameOnlyTheOneEmomusicMadeIsTaken) {
  const std::string by_hand = fake.add_playlist("Twin", "my own picks", uris(ids(0, 3)));
  const std::string made = fake.add_playlist("Twin", kSavedPlaylistDescription, uris(ids(0, 3)));
  const auto refreshed = refresh_in_spotify(*client, "Twin", ids(10, 13));
  EXPECT_EQ(refreshed.id, made);
  EXPECT_EQ(fake.playlist_uris(made), uris(ids(10, 13)));
  EXPECT_EQ(fake.playlist_uris(by_hand), uris(ids(0, 3)));

  // Two made by emomusic: which one is meant cannot be told, so neither is touched.
  const std::string second = fake.add_playlist("Twin", kSavedPlaylistDescription, uris(ids(0, 3)));
  const std::string message =
      expect_throw<UsageError>([&] { refresh_in_spotify(*client, "Twin", ids(20, 23)); });
  EXPECT_NE(message.find("3 of your playlists are named \"Twin\""), std::string::npos) << message;
  for (const auto& id : {by_hand, made, second})
    EXPECT_NE(message.find(id), std::string::npos) << id << " not named in: " << message;
  EXPECT_EQ(fake.playlist_uris(made), uris(ids(10, 13)));
  EXPECT_EQ(fake.playlist_uris(second), uris(ids(0, 3)));
}

TEST_F(PlaylistRefreshTest, LongListsArePagedAndChangedInBatchesOf100) {
  // 60 other playlists, so that the one wanted is on the second page of 50.
  const std::string id = fake.add_playlist("Long", kSavedPlaylistDescription, uris(ids(0, 250)));
  for (int i = 0; i < 60; ++i) fake.add_playlist("Filler " + std::to_string(i), "", {});
  const auto refreshed = refresh_in_spotify(*client, "Long", ids(200, 450));
  EXPECT_EQ(refreshed.kept, 50u);
  EXPECT_EQ(refreshed.added, 200u);
  EXPECT_EQ(refreshed.removed, 200u);
  EXPECT_EQ(fake.playlist_uris(id), uris(ids(200, 450)));

  EXPECT_EQ(fake.count("GET", "/v1/me/playlists"), 2);
  int posts = 0;
  int deletes = 0;
  for (const auto& r : changes(id)) {
    const json body = json::parse(r.body);
    if (r.method == "POST") {
      EXPECT_EQ(deletes, 0) << "a removal came before an addition";
      EXPECT_LE(body["uris"].size(), 100u);
      ++posts;
    } else {
      EXPECT_LE(body["items"].size(), 100u);
      ++deletes;
    }
  }
  EXPECT_EQ(posts, 2);
  EXPECT_EQ(deletes, 2);
}

TEST_F(PlaylistRefreshTest, TheRecommenderRefreshesWithANewPlaylistForTheEmotion) {
  // No catalog of the user's: the shipped starter catalog, whose tracks have Spotify ids.
  ::setenv("XDG_DATA_HOME", (dir / "xdg").c_str(), 1);
  RecommenderOptions options;
  options.history = dir / "history.db";
  options.spotify = SpotifyAccess{config(), credentials()};
  Recommender recommender(options);
  const std::string id =
      fake.add_playlist("Sunday mood", kSavedPlaylistDescription, uris(ids(0, 5)));
  PlaylistRequest request;
  request.emotion = Emotion::kHappy;
  request.rank.limit = 10;
  request.seed = 1;
  const Playlist playlist = recommender.recommend(request);
  const auto refreshed = recommender.refresh("Sunday mood", track_ids(playlist));
  EXPECT_EQ(refreshed.added, 10u);
  EXPECT_EQ(refreshed.removed, 5u);
  EXPECT_EQ(fake.playlist_uris(id), uris(track_ids(playlist)));

  RecommenderOptions offline = options;
  offline.spotify.reset();
  expect_throw<UnavailableError>(
      [&] { Recommender(offline).refresh("Sunday mood", track_ids(playlist)); });
}

}  // namespace
}  // namespace emomusic::session
