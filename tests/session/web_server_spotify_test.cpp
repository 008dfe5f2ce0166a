// The web server with Spotify, over real HTTP on both sides: the page's API on 127.0.0.1 and a
// server speaking Spotify's shapes (tests/music/spotify/fake_spotify.hpp). "Save to Spotify" and
// the top-up of a playlist the catalog cannot fill, with their refusals and failures.

#include <gtest/gtest.h>
#include <httplib.h>
#include <stdlib.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "../vision/tiny_model.hpp"
#include "emomusic/core/error.hpp"
#include "emomusic/music/catalog_import.hpp"
#include "emomusic/music/spotify/client.hpp"
#include "emomusic/session/playlist.hpp"
#include "emomusic/session/web_server.hpp"
#include "spotify_fixture.hpp"

namespace emomusic::session {
namespace {

using nlohmann::json;

const std::vector<std::string> kIds = {"4uLU6hMCjMI75M1A2tKUQC", "7GhIk7Il098yCjg4BQjzvb",
                                       "3n3Ppam7vgaVa1iaRUc9Lp"};

class WebServerSpotifyTest : public spotify::test::SpotifyTest {
 protected:
  void SetUp() override {
    SpotifyTest::SetUp();
    // No catalog of the user's: the shipped starter catalog (73 tracks) is the candidates.
    ::setenv("XDG_DATA_HOME", (dir / "xdg").c_str(), 1);
    test::write_tiny_model(dir / "tiny.safetensors");
  }

  void TearDown() override {
    if (server_) server_->stop();
    if (thread_.joinable()) thread_.join();
    SpotifyTest::TearDown();
  }

  void start(bool with_spotify) {
    WebServerOptions o;
    o.port = 0;
    o.classifier.models = {dir / "tiny.safetensors"};
    o.classifier.tta = nn::Tta::kNone;
    o.recommender.history = dir / "history.db";
    o.threads = 2;
    if (with_spotify) o.recommender.spotify = SpotifyAccess{config(), credentials()};
    o.recommender.catalog = catalog_;
    server_ = std::make_unique<WebServer>(o);
    port_ = server_->bind();
    thread_ = std::thread([this] { server_->run(); });
  }

  httplib::Result post(const std::string& path, const json& body, bool with_token = true) {
    httplib::Client client("127.0.0.1", port_);
    httplib::Headers headers;
    if (with_token) headers.emplace("X-Emomusic-Token", server_->token());
    return client.Post(path, headers, body.dump(), "application/json");
  }

  httplib::Result get(const std::string& path) {
    return httplib::Client("127.0.0.1", port_).Get(path);
  }

  std::optional<std::filesystem::path> catalog_;  ///< absent: the starter catalog
  std::unique_ptr<WebServer> server_;
  std::thread thread_;
  int port_ = 0;
};

TEST_F(WebServerSpotifyTest, SavesThePagesTracksInOrderInTheUsersAccount) {
  login();
  start(true);
  const auto health = get("/api/health");
  ASSERT_TRUE(health);
  EXPECT_EQ(json::parse(health->body)["spotify_login"], true);

  // The page may send links and URIs too: each is one track.
  const auto res =
      post("/api/spotify/playlist", {{"name", "  emomusic · sad  "},
                                     {"track_ids",
                                      {kIds[0], "spotify:track:" + kIds[1],
                                       "https://open.spotify.com/track/" + kIds[2] + "?si=x"}},
                                     {"emotion", "sad"}});
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  const json saved = json::parse(res->body);
  EXPECT_EQ(saved["tracks_added"], 3);
  EXPECT_EQ(saved["tracks_left_out"], 0);
  const std::string id = saved["id"];
  EXPECT_EQ(saved["url"], "https://open.spotify.com/playlist/" + id);
  EXPECT_EQ(fake.playlist_uris(id),
            (std::vector<std::string>{"spotify:track:" + kIds[0], "spotify:track:" + kIds[1],
                                      "spotify:track:" + kIds[2]}));
  bool named = false;
  for (const auto& r : fake.requests()) {
    if (r.method == "POST" && r.path == "/v1/me/playlists") {
      const json created = json::parse(r.body);
      EXPECT_EQ(created["name"], "emomusic · sad");  // trimmed
      EXPECT_EQ(created["public"], false);
      EXPECT_EQ(created["description"], "Made by emomusic for a sad mood");
      named = true;
    }
  }
  EXPECT_TRUE(named);
}

TEST_F(WebServerSpotifyTest, RefusesBadSavesBeforeAskingSpotify) {
  login();
  start(true);
  const auto no_token = post("/api/spotify/playlist", {{"name", "x"}, {"track_ids", kIds}}, false);
  ASSERT_TRUE(no_token);
  EXPECT_EQ(no_token->status, 403);

  const auto bad_id =
      post("/api/spotify/playlist", {{"name", "x"}, {"track_ids", {kIds[0], "nope"}}});
  ASSERT_TRUE(bad_id);
  EXPECT_EQ(bad_id->status, 400);
  EXPECT_NE(bad_id->body.find("track_ids[1]"), std::string::npos) << bad_id->body;

  for (const json& body :
       {json{{"name", "   "}, {"track_ids", kIds}},
        json{{"name", std::string(201, 'a')}, {"track_ids", kIds}},
        json{{"name", "x"}, {"track_ids", json::array()}},
        json{{"name", "x"}, {"track_ids", "not a list"}}, json{{"track_ids", kIds}},
        json{{"name", "x"}, {"track_ids", kIds}, {"emotion", "grumpy"}}}) {
    const auto res = post("/api/spotify/playlist", body);
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 400) << body.dump() << " → " << res->body;
    EXPECT_EQ(json::parse(res->body).count("error"), 1u);
  }
  EXPECT_EQ(fake.count("POST", "/v1/"), 0);
}

TEST_F(WebServerSpotifyTest, ASpotifyFailureIs502AndTheServerGoesOn) {
  login();
  start(true);
  spotify::test::Fault fault;
  fault.status = 500;
  fake.inject("POST /v1/me/playlists", fault, 10);
  const auto res = post("/api/spotify/playlist", {{"name", "x"}, {"track_ids", kIds}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 502) << res->body;
  EXPECT_EQ(json::parse(res->body).count("error"), 1u);
  const auto health = get("/api/health");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
}

TEST_F(WebServerSpotifyTest, WithoutALoginSavingSaysSo) {
  start(true);
  EXPECT_EQ(json::parse(get("/api/health")->body)["spotify_login"], false);
  const auto res = post("/api/spotify/playlist", {{"name", "x"}, {"track_ids", kIds}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400) << res->body;
  EXPECT_NE(res->body.find("emomusic login"), std::string::npos) << res->body;
}

TEST_F(WebServerSpotifyTest, WithoutSpotifyTheServerIsOffline) {
  start(false);
  const json health = json::parse(get("/api/health")->body);
  EXPECT_EQ(health["spotify"], false);
  EXPECT_EQ(health["spotify_login"], false);
  const auto res = post("/api/spotify/playlist", {{"name", "x"}, {"track_ids", kIds}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 503) << res->body;
  // A genre the catalog lacks: nothing to play.
  const auto none = get("/api/recommend?emotion=happy&limit=5&genre=no-such-genre-here");
  ASSERT_TRUE(none);
  EXPECT_EQ(none->status, 404) << none->body;
  // A playlist longer than the starter catalog can fill stays short, and nothing asks Spotify.
  const auto playlist = get("/api/recommend?emotion=happy&limit=100&seed=3");
  ASSERT_TRUE(playlist);
  ASSERT_EQ(playlist->status, 200) << playlist->body;
  EXPECT_LT(json::parse(playlist->body).size(), 100u);
  EXPECT_TRUE(fake.requests().empty());
}

TEST_F(WebServerSpotifyTest, TopsUpAShortPlaylistFromSpotifyWithoutSkippedTracks) {
  start(true);
  const auto full = get("/api/recommend?emotion=happy&limit=5&seed=3");
  ASSERT_TRUE(full);
  ASSERT_EQ(full->status, 200) << full->body;
  EXPECT_EQ(json::parse(full->body).size(), 5u);
  EXPECT_TRUE(fake.requests().empty()) << "a full playlist asks Spotify nothing";

  const auto first = get("/api/recommend?emotion=happy&limit=100&seed=3");
  ASSERT_TRUE(first);
  ASSERT_EQ(first->status, 200) << first->body;
  const json tracks = json::parse(first->body);
  std::vector<std::string> from_spotify;
  for (const auto& t : tracks) {
    if (t["why"]["target"].get<std::string>().rfind("spotify", 0) == 0) {
      from_spotify.push_back(t["id"]);
    }
  }
  ASSERT_FALSE(from_spotify.empty()) << first->body;
  EXPECT_GT(fake.count("GET", "/v1/search"), 0);

  // A genre the catalog lacks: Spotify fills the whole playlist, in that genre.
  const auto genre = get("/api/recommend?emotion=happy&limit=5&seed=3&genre=bossa");
  ASSERT_TRUE(genre);
  ASSERT_EQ(genre->status, 200) << genre->body;
  const json bossa = json::parse(genre->body);
  EXPECT_EQ(bossa.size(), 5u);
  for (const auto& t : bossa) EXPECT_EQ(t["genre"], "bossa");

  // A skip of a Spotify track keeps it out of the next top-up too.
  const auto skip = post("/api/feedback",
                         {{"track_id", from_spotify[0]}, {"emotion", "happy"}, {"kind", "skip"}});
  ASSERT_TRUE(skip);
  ASSERT_EQ(skip->status, 200) << skip->body;
  const auto again = get("/api/recommend?emotion=happy&limit=100&seed=3");
  ASSERT_TRUE(again);
  ASSERT_EQ(again->status, 200);
  for (const auto& t : json::parse(again->body)) EXPECT_NE(t["id"], from_spotify[0]);
}

TEST_F(WebServerSpotifyTest, ALanguageFilterDrawsOnTheCatalogOnly) {
  // Two Spanish tracks, one English, one of unknown language.
  const std::vector<std::pair<std::string, std::string>> rows = {
      {"4uLU6hMCjMI75M1A2tKUQC", "es"},
      {"7GhIk7Il098yCjg4BQjzvb", "Spanish"},
      {"3n3Ppam7vgaVa1iaRUc9Lp", "en"},
      {"0nbXyq5TXYPCO7pr3N8S4I", ""}};
  std::string csv = "id,name,artists,valence,energy,language\n";
  for (std::size_t i = 0; i < rows.size(); ++i) {
    csv += rows[i].first + ",Song " + std::to_string(i) + ",Artist " + std::to_string(i) +
           ",0.8,0.7," + rows[i].second + "\n";
  }
  emomusic::test::write_file(dir / "tracks.csv", csv);
  music::ImportOptions import;
  import.layout =
      music::parse_column_map("id=id,name=name,artists=artists,valence=valence,energy=energy");
  music::import_csv_files(dir / "catalog.db", {dir / "tracks.csv"}, import);
  catalog_ = dir / "catalog.db";
  start(true);

  const auto spanish = get("/api/recommend?emotion=happy&limit=10&seed=3&language=es");
  ASSERT_TRUE(spanish);
  ASSERT_EQ(spanish->status, 200) << spanish->body;
  const json tracks = json::parse(spanish->body);
  ASSERT_EQ(tracks.size(), 2u) << spanish->body;
  for (const auto& t : tracks) EXPECT_EQ(t["language"], "es") << t;
  // Short of 10, yet Spotify is not asked: it would not say which of its tracks are Spanish.
  EXPECT_TRUE(fake.requests().empty());

  const auto any = get("/api/recommend?emotion=happy&limit=10&seed=3&language=");
  ASSERT_TRUE(any);
  ASSERT_EQ(any->status, 200) << any->body;
  EXPECT_GT(json::parse(any->body).size(), 4u) << "no language: the catalog and the top-up";

  const auto bad = get("/api/recommend?emotion=happy&language=Klingon");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400) << bad->body;
  EXPECT_NE(bad->body.find("language 'Klingon'"), std::string::npos) << bad->body;
}

using SaveToSpotify = spotify::test::SpotifyTest;

Playlist playlist_of(const std::vector<std::string>& ids) {
  Playlist p;
  for (const auto& id : ids) {
    music::Recommendation r;
    r.track.id = id;
    p.tracks.push_back(r);
  }
  return p;
}

TEST_F(SaveToSpotify, KeepsTheOrderAndCountsCatalogOnlyTracksLeftOut) {
  login();
  spotify::SpotifyClient client(config());
  const SavedPlaylist saved =
      save_to_spotify(client, "Mood", track_ids(playlist_of({kIds[0], "catalog-only-7", kIds[1]})));
  EXPECT_EQ(saved.tracks_added, 2u);
  EXPECT_EQ(saved.tracks_left_out, 1u);
  EXPECT_EQ(fake.playlist_uris(saved.id),
            (std::vector<std::string>{"spotify:track:" + kIds[0], "spotify:track:" + kIds[1]}));
  EXPECT_EQ(to_json(saved)["tracks_left_out"], 1);
}

TEST_F(SaveToSpotify, NothingToSaveIsAUsageErrorAndAsksNothing) {
  login();
  const int before = static_cast<int>(fake.requests().size());
  spotify::SpotifyClient client(config());
  EXPECT_THROW(save_to_spotify(client, "Mood", track_ids(playlist_of({"catalog-only-1"}))),
               UsageError);
  EXPECT_EQ(static_cast<int>(fake.requests().size()), before);
}

}  // namespace
}  // namespace emomusic::session
