// The pure pieces: URL encoding and redaction, PKCE, and the readers of Spotify's JSON shapes.

#include <gtest/gtest.h>

#include <set>
#include <sstream>

#include "emomusic/core/error.hpp"
#include "emomusic/music/spotify/pkce.hpp"
#include "emomusic/music/spotify/track.hpp"
#include "emomusic/music/spotify/uri_list.hpp"
#include "emomusic/music/spotify/url.hpp"

namespace emomusic::spotify {
namespace {

using nlohmann::json;

TEST(Url, EncodesAllButUnreservedAndDecodesBack) {
  EXPECT_EQ(url_encode("a b&c=d/é~._-"), "a%20b%26c%3Dd%2F%C3%A9~._-");
  EXPECT_EQ(url_decode("a%20b+c%3d%zz"), "a b c=%zz");
  const Params params{{"q", "track:\"Clair de Lune\""}, {"limit", "10"}};
  const auto parsed = parse_query(form_encode(params));
  EXPECT_EQ(parsed.at("q"), "track:\"Clair de Lune\"");
  EXPECT_EQ(parsed.at("limit"), "10");
  EXPECT_EQ(parse_query("a&b=&c=1&c=2").at("c"), "1");
}

TEST(Url, RedactsSecretParametersOnly) {
  EXPECT_EQ(redact_url("http://127.0.0.1:9/callback?code=abc&state=xyz&scope=a%20b"),
            "http://127.0.0.1:9/callback?code=REDACTED&state=REDACTED&scope=a%20b");
  EXPECT_EQ(redact_url("https://api.spotify.com/v1/search?q=happy&limit=10"),
            "https://api.spotify.com/v1/search?q=happy&limit=10");
  EXPECT_EQ(redact_url("https://x/api/token"), "https://x/api/token");
}

TEST(Pkce, ChallengeMatchesRfc7636AppendixB) {
  EXPECT_EQ(code_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
}

TEST(Pkce, VerifiersAreLongRandomAndOfTheAllowedAlphabet) {
  std::set<std::string> seen;
  for (int i = 0; i < 20; ++i) {
    const Pkce p = make_pkce();
    EXPECT_GE(p.verifier.size(), 43u);
    EXPECT_LE(p.verifier.size(), 128u);
    EXPECT_EQ(p.verifier.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                           "0123456789-._~"),
              std::string::npos);
    EXPECT_EQ(p.challenge, code_challenge(p.verifier));
    EXPECT_TRUE(seen.insert(p.verifier).second);
    EXPECT_TRUE(seen.insert(random_state()).second);
  }
}

TEST(Pkce, AuthorizeUrlCarriesEveryParameter) {
  const std::string url =
      authorize_url("https://accounts.example", "cid", "http://127.0.0.1:5000/callback",
                    {"playlist-modify-private", "playlist-modify-public"}, "st", "ch");
  ASSERT_EQ(url.rfind("https://accounts.example/authorize?", 0), 0u);
  const auto p = parse_query(url.substr(url.find('?') + 1));
  EXPECT_EQ(p.at("client_id"), "cid");
  EXPECT_EQ(p.at("response_type"), "code");
  EXPECT_EQ(p.at("redirect_uri"), "http://127.0.0.1:5000/callback");
  EXPECT_EQ(p.at("scope"), "playlist-modify-private playlist-modify-public");
  EXPECT_EQ(p.at("state"), "st");
  EXPECT_EQ(p.at("code_challenge_method"), "S256");
  EXPECT_EQ(p.at("code_challenge"), "ch");
}

json full_track() {
  return json::parse(R"({
    "id": "4uLU6hMCjMI75M1A2tKUQC", "uri": "spotify:track:4uLU6hMCjMI75M1A2tKUQC",
    "name": "Never Gonna Give You Up", "type": "track",
    "artists": [{"id": "a", "name": "Rick Astley"}],
    "album": {"name": "Whenever You Need Somebody", "release_date": "1987-11-12",
              "images": [{"url": "https://i", "width": 640, "height": 640}]},
    "duration_ms": 213573, "explicit": false,
    "external_ids": {"isrc": "GBARL9300135"},
    "external_urls": {"spotify": "https://open.spotify.com/track/4uLU6hMCjMI75M1A2tKUQC"},
    "preview_url": "https://p.scdn.co/mp3-preview/x"})");
}

TEST(TrackJson, ReadsEveryField) {
  const TrackInfo t = parse_track(full_track(), "test");
  EXPECT_EQ(t.id, "4uLU6hMCjMI75M1A2tKUQC");
  EXPECT_EQ(t.name, "Never Gonna Give You Up");
  EXPECT_EQ(t.artists, std::vector<std::string>{"Rick Astley"});
  EXPECT_EQ(t.album, "Whenever You Need Somebody");
  EXPECT_EQ(t.release_date, "1987-11-12");
  EXPECT_EQ(t.duration_ms, 213573);
  EXPECT_FALSE(t.explicit_content);
  EXPECT_EQ(t.isrc, "GBARL9300135");
  EXPECT_EQ(t.external_url, "https://open.spotify.com/track/4uLU6hMCjMI75M1A2tKUQC");
  EXPECT_EQ(t.preview_url, "https://p.scdn.co/mp3-preview/x");
}

TEST(TrackJson, MissingOrMistypedRequiredFieldsAreNamed) {
  for (const char* field : {"id", "uri", "name", "artists"}) {
    json t = full_track();
    t.erase(field);
    try {
      parse_track(t, "answer to GET /x");
      FAIL() << field;
    } catch (const ServiceError& e) {
      EXPECT_NE(std::string(e.what()).find(std::string("\"") + field + "\""), std::string::npos)
          << e.what();
    }
  }
  json t = full_track();
  t["artists"][0]["name"] = 5;
  EXPECT_THROW(parse_track(t, "x"), ServiceError);
  EXPECT_THROW(parse_track(json::array(), "x"), ServiceError);
}

TEST(TrackJson, BothPlaylistShapes) {
  for (const char* entry_key : {"item", "track"}) {
    SCOPED_TRACE(entry_key);
    json entries = json::array();
    entries.push_back({{entry_key, full_track()}});
    entries.push_back({{entry_key, nullptr}});
    entries.push_back({{entry_key, {{"type", "episode"}, {"id", "e"}}}});
    entries.push_back(nullptr);
    const json paging{{"items", entries}, {"total", 4}, {"next", nullptr}};
    const TrackPage page = parse_playlist_paging(paging, "x");
    ASSERT_EQ(page.tracks.size(), 1u);
    EXPECT_EQ(page.tracks[0].name, "Never Gonna Give You Up");
    EXPECT_FALSE(page.has_next);
  }
  const json new_shape{{"id", "p"}, {"items", {{"items", json::array()}}}};
  const json old_shape{{"id", "p"}, {"tracks", {{"items", json::array()}}}};
  EXPECT_TRUE(playlist_contents(new_shape, "x").contains("items"));
  EXPECT_TRUE(playlist_contents(old_shape, "x").contains("items"));
  EXPECT_THROW(playlist_contents(json{{"id", "p"}}, "x"), ServiceError);
}

TEST(TrackJson, SearchPagesSkipNulls) {
  const json paging{{"items", {full_track(), nullptr, full_track()}},
                    {"total", 40},
                    {"next", "https://api/next"}};
  const TrackPage page = parse_track_paging(paging, "x");
  EXPECT_EQ(page.tracks.size(), 2u);
  EXPECT_EQ(page.total, 40);
  EXPECT_TRUE(page.has_next);
  EXPECT_THROW(parse_track_paging(json{{"total", 1}}, "x"), ServiceError);
}

TEST(UriList, ReadsOneUriPerLineAndNamesTheBadLine) {
  std::istringstream good(
      "# from recommend\nspotify:track:4uLU6hMCjMI75M1A2tKUQC\n\n  spotify:track:abc \r\n");
  EXPECT_EQ(
      read_uri_list(good, "list.txt"),
      (std::vector<std::string>{"spotify:track:4uLU6hMCjMI75M1A2tKUQC", "spotify:track:abc"}));
  std::istringstream bad("spotify:track:abc\nhttps://open.spotify.com/track/abc\n");
  try {
    read_uri_list(bad, "list.txt");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("list.txt:2"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(is_playable_uri("spotify:episode:xyz9"));
  EXPECT_FALSE(is_playable_uri("spotify:track:"));
  EXPECT_FALSE(is_playable_uri("spotify:track:a,b"));
  EXPECT_FALSE(is_playable_uri("spotify:album:abc"));
}

}  // namespace
}  // namespace emomusic::spotify
