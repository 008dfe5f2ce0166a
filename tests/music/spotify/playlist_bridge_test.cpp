// The recommender's Spotify top-up and playlist URIs, against the fake Spotify on 127.0.0.1.

#include "emomusic/music/spotify/playlist_bridge.hpp"

#include <cmath>
#include <set>

#include "spotify_fixture.hpp"

namespace emomusic::spotify::test {
namespace {

music::Recommendation catalog_pick(const std::string& id, const std::string& artist) {
  music::Track t;
  t.id = id;
  t.name = "catalog " + id.substr(0, 4);
  t.artists = {artist};
  t.valence = 0.8;
  t.energy = 0.7;
  return {t, 0.05, "happy", 1, 1};
}

music::PlaylistPlan happy_plan() {
  music::PlaylistPlan plan;
  plan.strategy = music::Strategy::kMatch;
  plan.waypoints = {{"happy", music::FeatureTarget{0.8, 0.7, 0.8}}};
  return plan;
}

}  // namespace

class PlaylistBridgeTest : public SpotifyTest {};

TEST_F(PlaylistBridgeTest, TopsUpAShortPlaylistBySearchWhenRecommendationsAreGone) {
  SpotifyClient client(config(), credentials());
  std::vector<music::Recommendation> playlist = {catalog_pick("4uLU6hMCjMI75M1A2tKUQC", "A"),
                                                 catalog_pick("7GhIk7Il098yCjg4BQjzvb", "B")};
  const int added = top_up_from_spotify(client, happy_plan(), {}, 6, playlist);
  EXPECT_EQ(added, 4);
  ASSERT_EQ(playlist.size(), 6u);
  std::set<std::string> ids;
  for (size_t i = 0; i < playlist.size(); ++i) {
    EXPECT_TRUE(ids.insert(playlist[i].track.id).second) << "duplicate " << playlist[i].track.id;
    if (i >= 2) {
      EXPECT_TRUE(std::isnan(playlist[i].distance)) << "Spotify tracks have no features to rank";
      EXPECT_EQ(playlist[i].target, "spotify search: happy");
      EXPECT_FALSE(music::known(playlist[i].track.valence));
    }
  }
  EXPECT_EQ(fake.count("GET", "/v1/recommendations"), 0)
      << "no genre seed, no recommendations call";
  // The search asked for the mood word.
  bool searched_mood = false;
  for (const auto& r : fake.requests()) {
    if (r.path == "/v1/search" && r.params.count("q") &&
        r.params.at("q").find("happy") != std::string::npos) {
      searched_mood = true;
    }
  }
  EXPECT_TRUE(searched_mood);
}

TEST_F(PlaylistBridgeTest, UsesRecommendationsWithTheGoalsFeaturesWhileTheAppHasThem) {
  fake.recommendations_status = 200;
  SpotifyClient client(config(), credentials());
  music::TrackFilter filter;
  filter.genre = "pop";
  std::vector<music::Recommendation> playlist;
  EXPECT_EQ(top_up_from_spotify(client, happy_plan(), filter, 3, playlist), 3);
  ASSERT_EQ(fake.count("GET", "/v1/recommendations"), 1);
  for (const auto& r : fake.requests()) {
    if (r.path != "/v1/recommendations") continue;
    EXPECT_EQ(r.params.at("seed_genres"), "pop");
    EXPECT_NEAR(std::stod(r.params.at("target_valence")), 0.8, 1e-9);
    EXPECT_NEAR(std::stod(r.params.at("target_energy")), 0.7, 1e-9);
  }
  EXPECT_EQ(playlist[0].target, "spotify recommendations");
}

TEST_F(PlaylistBridgeTest, SearchesInTheListenersMarket) {
  SpotifyConfig c = config();
  c.market = "DE";
  SpotifyClient client(c, credentials());
  std::vector<music::Recommendation> playlist;
  EXPECT_EQ(top_up_from_spotify(client, happy_plan(), {}, 3, playlist), 3);
  int searches = 0;
  for (const auto& r : fake.requests()) {
    if (r.path != "/v1/search") continue;
    ++searches;
    EXPECT_EQ(r.params.count("market") ? r.params.at("market") : "(none)", "DE");
  }
  EXPECT_GT(searches, 0);
}

TEST_F(PlaylistBridgeTest, ALanguageFilterAsksNothingSinceSpotifyDoesNotSayTheLanguage) {
  SpotifyClient client(config(), credentials());
  music::TrackFilter filter;
  filter.language = "es";
  std::vector<music::Recommendation> playlist = {catalog_pick("4uLU6hMCjMI75M1A2tKUQC", "A")};
  EXPECT_EQ(top_up_from_spotify(client, happy_plan(), filter, 5, playlist), 0);
  EXPECT_EQ(playlist.size(), 1u);
  EXPECT_TRUE(fake.requests().empty());
}

TEST_F(PlaylistBridgeTest, AFullPlaylistAsksNothing) {
  SpotifyClient client(config(), credentials());
  std::vector<music::Recommendation> playlist = {catalog_pick("4uLU6hMCjMI75M1A2tKUQC", "A")};
  EXPECT_EQ(top_up_from_spotify(client, happy_plan(), {}, 1, playlist), 0);
  EXPECT_TRUE(fake.requests().empty());
}

}  // namespace emomusic::spotify::test
