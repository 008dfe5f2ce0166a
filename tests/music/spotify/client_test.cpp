// The client against a real HTTP server on 127.0.0.1 that speaks Spotify's shapes and faults.

#include "emomusic/music/spotify/client.hpp"

#include <chrono>
#include <set>

#include "emomusic/core/error.hpp"
#include "emomusic/music/spotify/errors.hpp"
#include "spotify_fixture.hpp"

namespace emomusic::spotify::test {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

class SpotifyClientTest : public SpotifyTest {
 protected:
  std::unique_ptr<SpotifyClient> client(SpotifyConfig c) {
    return std::make_unique<SpotifyClient>(std::move(c), credentials());
  }
  std::unique_ptr<SpotifyClient> client() { return client(config()); }
};

TEST_F(SpotifyClientTest, SearchPagesTenAtATimeAndSkipsNullItems) {
  const auto tracks = client()->search_tracks("happy", 25);
  ASSERT_EQ(tracks.size(), 25u);
  std::set<std::string> ids;
  for (const auto& t : tracks) {
    ids.insert(t.id);
    EXPECT_EQ(t.uri, "spotify:track:" + t.id);
    EXPECT_FALSE(t.artists.empty());
    EXPECT_EQ(t.release_date, "2019-05-17");
    EXPECT_FALSE(t.preview_url.has_value());
  }
  EXPECT_EQ(ids.size(), 25u) << "duplicates across pages";
  int expected_offset = 0;
  for (const auto& r : fake.requests()) {
    if (r.path != "/v1/search") continue;
    EXPECT_LE(std::stoi(r.params.at("limit")), 10);
    EXPECT_EQ(std::stoi(r.params.at("offset")), expected_offset);
    EXPECT_EQ(r.params.at("type"), "track");
    expected_offset += std::stoi(r.params.at("limit"));
  }
  // 25 tracks with a null in every 7 items take 29 items: pages of 10, 10, 5, 4.
  EXPECT_EQ(fake.count("GET", "/v1/search"), 4);
}

TEST_F(SpotifyClientTest, SearchStopsAtTheLastPage) {
  fake.search_total = 12;
  const auto tracks = client()->search_tracks("rare words", 50);
  EXPECT_EQ(tracks.size(), 10u);  // 12 items, of which 3 and 10 are null
  EXPECT_EQ(fake.count("GET", "/v1/search"), 2);
}

TEST_F(SpotifyClientTest, AppTokenIsReusedThenRenewedOnceAfterExpiry) {
  auto c = client();
  c->search_tracks("one", 3);
  c->search_tracks("two", 3);
  EXPECT_EQ(fake.count("POST", "/api/token"), 1) << "the token should be reused";
  fake.expire_tokens();
  EXPECT_EQ(c->search_tracks("three", 3).size(), 3u);
  EXPECT_EQ(fake.count("POST", "/api/token"), 2);
  EXPECT_EQ(fake.count("GET", "/v1/search"), 4);  // one refused with 401, then retried
}

TEST_F(SpotifyClientTest, ASecond401IsAnErrorNotALoop) {
  Fault expired{401, R"({"error":{"status":401,"message":"The access token expired"}})", {}, {}};
  fake.inject("/v1/search", expired, 5);
  auto c = client();
  const auto message = expect_throw<ApiError>([&] { c->search_tracks("x", 1); });
  EXPECT_NE(message.find("401"), std::string::npos) << message;
  EXPECT_EQ(fake.count("GET", "/v1/search"), 2);
  EXPECT_EQ(fake.count("POST", "/api/token"), 2);
}

TEST_F(SpotifyClientTest, InvalidClientSaysWhatToCheckAndIsNotRetried) {
  SpotifyClient c(config(), Credentials{fake.client_id, "wrong-secret-123"});
  const auto message = expect_throw<ApiError>([&] { c.search_tracks("x", 1); });
  EXPECT_NE(message.find("invalid_client"), std::string::npos) << message;
  EXPECT_NE(message.find("SPOTIFY_CLIENT_SECRET"), std::string::npos) << message;
  EXPECT_EQ(message.find("wrong-secret-123"), std::string::npos);
  EXPECT_EQ(fake.count("POST", "/api/token"), 1);
  EXPECT_EQ(fake.count("GET", "/v1/search"), 0);
}

TEST_F(SpotifyClientTest, RateLimitWaitsForRetryAfter) {
  fake.inject("/v1/search", {429,
                             R"({"error":{"status":429,"message":"API rate limit exceeded"}})",
                             {{"Retry-After", "1"}},
                             {}});
  const auto start = Clock::now();
  EXPECT_EQ(client()->search_tracks("busy", 2).size(), 2u);
  EXPECT_GE(Clock::now() - start, milliseconds(950));
  EXPECT_EQ(fake.count("GET", "/v1/search"), 2);
}

TEST_F(SpotifyClientTest, RetryAfterLongerThanAllowedStopsAtOnce) {
  fake.inject("/v1/search", {429,
                             R"({"error":{"status":429,"message":"API rate limit exceeded"}})",
                             {{"Retry-After", "3600"}},
                             {}});
  SpotifyConfig c = config();
  c.retry.max_retry_after = std::chrono::seconds(5);
  const auto start = Clock::now();
  const auto message = expect_throw<ApiError>([&] { client(c)->search_tracks("busy", 2); });
  EXPECT_LT(Clock::now() - start, milliseconds(2000));
  EXPECT_NE(message.find("3600"), std::string::npos) << message;
  EXPECT_EQ(fake.count("GET", "/v1/search"), 1);
}

TEST_F(SpotifyClientTest, QuotaExceededStopsWithAClearMessage) {
  fake.inject("/v1/search",
              {429,
               R"({"error":{"status":429,"message":"Quota exceeded","reason":"QUOTA_EXCEEDED"}})",
               {{"Retry-After", "1"}},
               {}},
              3);
  auto c = client();
  try {
    c->search_tracks("x", 1);
    FAIL() << "expected QUOTA_EXCEEDED to stop the client";
  } catch (const ApiError& e) {
    EXPECT_EQ(e.status(), 429);
    EXPECT_EQ(e.reason(), "QUOTA_EXCEEDED");
    EXPECT_NE(std::string(e.what()).find("quota"), std::string::npos) << e.what();
    EXPECT_EQ(e.kind(), ErrorKind::kService);
  }
  EXPECT_EQ(fake.count("GET", "/v1/search"), 1) << "a spent quota must not be retried";
}

TEST_F(SpotifyClientTest, ServerErrorsAreRetriedWithBackoff) {
  fake.inject("/v1/search", Fault{}, 2);
  EXPECT_EQ(client()->search_tracks("flaky", 3).size(), 3u);
  EXPECT_EQ(fake.count("GET", "/v1/search"), 3);
}

TEST_F(SpotifyClientTest, ServerErrorsGiveUpAfterTheLastAttempt) {
  fake.inject("/v1/search", Fault{503, R"({"error":{"status":503,"message":"down"}})", {}, {}}, 10);
  SpotifyConfig c = config();
  c.retry.max_attempts = 3;
  const auto message = expect_throw<ApiError>([&] { client(c)->search_tracks("down", 3); });
  EXPECT_NE(message.find("503"), std::string::npos) << message;
  EXPECT_EQ(fake.count("GET", "/v1/search"), 3);
}

TEST_F(SpotifyClientTest, MalformedJsonIsAServiceError) {
  fake.inject("/v1/search", {200, R"({"tracks": {"items": [)", {}, {}});
  const auto message = expect_throw<ServiceError>([&] { client()->search_tracks("x", 1); });
  EXPECT_NE(message.find("malformed JSON"), std::string::npos) << message;
}

TEST_F(SpotifyClientTest, AMissingFieldIsNamed) {
  fake.inject("/v1/search",
              {200, R"({"tracks":{"items":[{"id":"abc","name":"No uri"}]}})", {}, {}});
  const auto message = expect_throw<ServiceError>([&] { client()->search_tracks("x", 1); });
  EXPECT_NE(message.find("\"uri\""), std::string::npos) << message;
  EXPECT_NE(message.find("items[0]"), std::string::npos) << message;
  fake.inject("/v1/search", {200, R"({"albums":{}})", {}, {}});
  const auto second = expect_throw<ServiceError>([&] { client()->search_tracks("y", 1); });
  EXPECT_NE(second.find("\"tracks\""), std::string::npos) << second;
}

TEST_F(SpotifyClientTest, ASlowAnswerTimesOutAndIsRetried) {
  SpotifyConfig c = config();
  c.timeouts.total = milliseconds(300);
  fake.inject("/v1/search", {200, R"({"tracks":{"items":[]}})", {}, milliseconds(1200)});
  EXPECT_EQ(client(c)->search_tracks("slow", 2).size(), 2u);
  EXPECT_EQ(fake.count("GET", "/v1/search"), 2);
}

TEST_F(SpotifyClientTest, TimeoutsThatOutlastTheRetriesAreReported) {
  SpotifyConfig c = config();
  c.timeouts.total = milliseconds(200);
  c.retry.max_attempts = 2;
  fake.inject("/v1/search", {200, "{}", {}, milliseconds(700)}, 2);
  try {
    client(c)->search_tracks("slow", 2);
    FAIL() << "expected a timeout";
  } catch (const TransportError& e) {
    EXPECT_TRUE(e.timed_out());
    EXPECT_NE(std::string(e.what()).find("200 ms"), std::string::npos) << e.what();
  }
}

TEST_F(SpotifyClientTest, RecommendationsAreUsedWhileTheAppHasThem) {
  fake.recommendations_status = 200;
  RecommendationQuery q;
  q.seed_genres = {"jazz", "soul"};
  q.targets = {{"valence", 0.8}, {"energy", 0.35}};
  q.limit = 7;
  const auto tracks = client()->recommendations(q);
  ASSERT_TRUE(tracks.has_value());
  EXPECT_EQ(tracks->size(), 7u);
  EXPECT_TRUE(tracks->front().album.empty());  // simplified track
  const auto request = fake.requests().back();
  EXPECT_EQ(request.params.at("target_valence"), "0.800");
  EXPECT_EQ(request.params.at("target_energy"), "0.350");
  EXPECT_EQ(request.params.at("seed_genres"), "jazz,soul");
}

TEST_F(SpotifyClientTest, RemovedRecommendationsAreRememberedWithoutRetries) {
  for (const int status : {404, 403}) {
    SCOPED_TRACE(status);
    FakeSpotify server;
    server.recommendations_status = status;
    SpotifyConfig c = config();
    c.api_url = server.api_url();
    c.accounts_url = server.accounts_url();
    RecommendationQuery q;
    q.seed_genres = {"pop"};
    {
      SpotifyClient first(c, Credentials{server.client_id, server.client_secret});
      EXPECT_FALSE(first.recommendations(q).has_value());
      EXPECT_FALSE(first.recommendations(q).has_value());
      EXPECT_EQ(server.count("GET", "/v1/recommendations"), 1) << "no retry, no second ask";
    }
    SpotifyClient next_run(c, Credentials{server.client_id, server.client_secret});
    EXPECT_FALSE(next_run.recommendations(q).has_value());
    EXPECT_EQ(server.count("GET", "/v1/recommendations"), 1) << "the cache remembers";
  }
}

TEST_F(SpotifyClientTest, ARepeatedRunIsServedFromTheCache) {
  const auto first = client()->search_tracks("calm piano", 12);
  const auto requests_after_first = fake.requests().size();
  ASSERT_GT(requests_after_first, 0u);
  const auto second = client()->search_tracks("calm piano", 12);
  EXPECT_EQ(fake.requests().size(), requests_after_first) << "the second run sent requests";
  ASSERT_EQ(second.size(), first.size());
  for (std::size_t i = 0; i < first.size(); ++i) EXPECT_EQ(second[i].id, first[i].id);

  SpotifyConfig no_cache = config();
  no_cache.cache_path.clear();
  client(no_cache)->search_tracks("calm piano", 12);
  EXPECT_GT(fake.requests().size(), requests_after_first);
  // The cache is keyed by method and URL: no token may be stored in it.
  const std::string db = emomusic::test::read_file(config().cache_path);
  for (const auto& secret : fake.secrets()) EXPECT_EQ(db.find(secret), std::string::npos);
}

TEST_F(SpotifyClientTest, ExpiredCacheEntriesAreFetchedAgain) {
  SpotifyConfig c = config();
  c.cache_ttl = std::chrono::seconds(0);
  client(c)->search_tracks("stale", 3);
  const auto after_first = fake.count("GET", "/v1/search");
  client(c)->search_tracks("stale", 3);
  EXPECT_EQ(fake.count("GET", "/v1/search"), 2 * after_first);
}

TEST_F(SpotifyClientTest, ResolvesACatalogTrackToItsBestMatch) {
  const auto track = client()->resolve_track("Clair de Lune", "Claude Debussy");
  ASSERT_TRUE(track.has_value());
  EXPECT_EQ(track->name, "Clair de Lune");
  EXPECT_EQ(track->artists.at(0), "Claude Debussy");
  EXPECT_EQ(fake.requests().back().params.at("q"),
            "track:\"Clair de Lune\" artist:\"Claude Debussy\"");
  fake.search_total = 0;
  EXPECT_FALSE(client()->resolve_track("Nothing", "Nobody").has_value());
}

TEST_F(SpotifyClientTest, KeywordSearchTakesTurnsAndDropsDuplicates) {
  const auto tracks = client()->find_tracks_by_keywords({"jazz"}, {"calm"}, 6);
  ASSERT_EQ(tracks.size(), 6u);
  std::set<std::string> queries;
  for (const auto& r : fake.requests())
    if (r.path == "/v1/search") queries.insert(r.params.at("q"));
  EXPECT_EQ(queries, (std::set<std::string>{"genre:\"jazz\"", "calm"}));
  // Turns: the first two come from different queries.
  EXPECT_NE(tracks[0].name.substr(0, 4), tracks[1].name.substr(0, 4));
}

TEST_F(SpotifyClientTest, ABrokenCacheFileIsSkippedNotFatal) {
  emomusic::test::write_file(config().cache_path, std::string(4096, 'x'));
  EXPECT_EQ(client()->search_tracks("still works", 3).size(), 3u);
  EXPECT_NE(log().find("without the Spotify cache"), std::string::npos) << log();
}

}  // namespace
}  // namespace emomusic::spotify::test
