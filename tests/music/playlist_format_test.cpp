#include "emomusic/music/playlist_format.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <sstream>

#include "emomusic/core/error.hpp"
#include "emomusic/music/csv_reader.hpp"

namespace emomusic::music {
namespace {

std::vector<Recommendation> sample() {
  Track a;
  a.id = "4cOdK2wGLETKBW3PvgPWqT";
  a.name = "Never Gonna Give You Up";
  a.artists = {"Rick Astley"};
  a.valence = 0.9;
  a.energy = 0.85;
  a.duration_ms = 213000;
  Track b;
  b.id = "32OlwWuMpZ6b0aN2RZOeMS";
  b.name = "Uptown \"Funk\", live";
  b.artists = {"Mark Ronson", "Bruno Mars"};
  b.valence = 0.9;
  b.energy = 0.85;
  b.year = 2014;
  return {{a, 0.0123, "happy", 1, 1}, {b, 0.05, "happy", 1, 1}};
}

std::string write(PlaylistFormat f, const std::vector<Recommendation>& p = sample()) {
  std::ostringstream out;
  write_playlist(out, p, f);
  return out.str();
}

TEST(PlaylistFormat, JsonListsTracksWithWhy) {
  const auto j = nlohmann::json::parse(write(PlaylistFormat::kJson));
  ASSERT_EQ(j.size(), 2u);
  EXPECT_EQ(j[0]["id"], "4cOdK2wGLETKBW3PvgPWqT");
  EXPECT_EQ(j[0]["uri"], "spotify:track:4cOdK2wGLETKBW3PvgPWqT");
  EXPECT_EQ(j[0]["url"], "https://open.spotify.com/track/4cOdK2wGLETKBW3PvgPWqT");
  EXPECT_EQ(j[1]["artists"], (nlohmann::json{"Mark Ronson", "Bruno Mars"}));
  EXPECT_DOUBLE_EQ(j[0]["valence"].get<double>(), 0.9);
  EXPECT_DOUBLE_EQ(j[0]["why"]["distance"].get<double>(), 0.0123);
  EXPECT_TRUE(j[0]["year"].is_null());
  EXPECT_TRUE(j[0]["tempo"].is_null());
  EXPECT_EQ(j[1]["year"], 2014);
}

TEST(PlaylistFormat, ASpotifyTopUpTrackSaysWhereItCameFrom) {
  Recommendation r;
  r.track.id = "4cOdK2wGLETKBW3PvgPWqT";
  r.distance = std::nan("");
  r.target = "spotify search: happy";
  const auto j = playlist_to_json({r});
  EXPECT_TRUE(j[0]["why"]["distance"].is_null());
  EXPECT_EQ(j[0]["why"]["target"], "spotify search: happy");
}

TEST(PlaylistFormat, CsvIsQuotedAndReadsBack) {
  std::istringstream in(write(PlaylistFormat::kCsv));
  CsvReader reader(in, "out.csv");
  std::vector<std::string> header, row;
  ASSERT_TRUE(reader.next(header));
  ASSERT_TRUE(reader.next(row));
  ASSERT_TRUE(reader.next(row));
  EXPECT_EQ(row.size(), header.size());
  EXPECT_EQ(row[2], "Uptown \"Funk\", live");
  EXPECT_EQ(row[3], "Mark Ronson;Bruno Mars");
  EXPECT_FALSE(reader.next(row));
}

TEST(PlaylistFormat, M3uUrisAndTable) {
  EXPECT_EQ(write(PlaylistFormat::kUris),
            "spotify:track:4cOdK2wGLETKBW3PvgPWqT\nspotify:track:32OlwWuMpZ6b0aN2RZOeMS\n");
  const std::string m3u = write(PlaylistFormat::kM3u);
  EXPECT_EQ(m3u.rfind("#EXTM3U\n#EXTINF:213,Rick Astley - Never Gonna Give You Up\n"
                      "https://open.spotify.com/track/4cOdK2wGLETKBW3PvgPWqT\n",
                      0),
            0u)
      << m3u;
  EXPECT_NE(m3u.find("#EXTINF:-1,Mark Ronson, Bruno Mars - Uptown"), std::string::npos);
  const std::string table = write(PlaylistFormat::kTable);
  EXPECT_NE(table.find("0.012"), std::string::npos);
  EXPECT_NE(table.find("https://open.spotify.com/track/32OlwWuMpZ6b0aN2RZOeMS"), std::string::npos);
}

TEST(PlaylistFormat, LineBreaksInNamesDoNotBreakM3uOrTheTable) {
  auto p = sample();
  p[0].track.name = "Line one\n#EXTINF:1,Injected\r\nhttp://evil.example/";
  p[0].track.artists = {"A\x1b[2JB"};
  const std::string m3u = write(PlaylistFormat::kM3u, p);
  std::istringstream lines(m3u);
  std::vector<std::string> all;
  for (std::string line; std::getline(lines, line);) all.push_back(line);
  ASSERT_EQ(all.size(), 5u) << m3u;  // #EXTM3U, then an #EXTINF line and a URL per track
  EXPECT_EQ(all[1].rfind("#EXTINF:213,A [2JB - Line one #EXTINF:1,Injected", 0), 0u) << all[1];
  EXPECT_EQ(all[2], "https://open.spotify.com/track/4cOdK2wGLETKBW3PvgPWqT");
  const std::string table = write(PlaylistFormat::kTable, p);
  EXPECT_EQ(std::count(table.begin(), table.end(), '\n'), 3) << table;
  EXPECT_EQ(table.find('\x1b'), std::string::npos);
}

TEST(PlaylistFormat, JsonOfTextThatIsNotUtf8IsValidJson) {
  // The catalog stores UTF-8, but a Recommendation may come from elsewhere (Spotify, a test).
  auto p = sample();
  p[0].track.name = "Caf\xe9 \xff";
  const auto j = nlohmann::json::parse(write(PlaylistFormat::kJson, p));
  EXPECT_EQ(j[0]["name"], "Caf\xEF\xBF\xBD \xEF\xBF\xBD");
}

TEST(PlaylistFormat, RejectsUnknownFormats) {
  EXPECT_EQ(playlist_format_from_string("m3u"), PlaylistFormat::kM3u);
  EXPECT_THROW(playlist_format_from_string("xml"), UsageError);
  // The CLI offers exactly playlist_format_names(), in PlaylistFormat's order.
  const auto& names = playlist_format_names();
  ASSERT_EQ(names.size(), 5u);
  for (std::size_t i = 0; i < names.size(); ++i) {
    EXPECT_EQ(playlist_format_from_string(names[i]), static_cast<PlaylistFormat>(i)) << names[i];
  }
}

}  // namespace
}  // namespace emomusic::music
