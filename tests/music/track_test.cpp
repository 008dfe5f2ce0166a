#include "emomusic/music/track.hpp"

#include <gtest/gtest.h>

namespace emomusic::music {
namespace {

TEST(Track, NormalisesIdsUrisAndLinks) {
  const std::string id = "4cOdK2wGLETKBW3PvgPWqT";
  EXPECT_EQ(normalize_track_id(id), id);
  EXPECT_EQ(normalize_track_id("  spotify:track:" + id + "\r"), id);
  EXPECT_EQ(normalize_track_id("https://open.spotify.com/track/" + id + "?si=abc123"), id);
  EXPECT_EQ(normalize_track_id("open.spotify.com/track/" + id), id);
  EXPECT_FALSE(normalize_track_id("spotify:album:" + id));
  EXPECT_FALSE(normalize_track_id(id.substr(1)));              // 21 characters
  EXPECT_FALSE(normalize_track_id(id + "x"));                  // 23 characters
  EXPECT_FALSE(normalize_track_id("4cOdK2wGLETKBW3PvgPW-T"));  // not base62
  EXPECT_FALSE(normalize_track_id(""));
}

TEST(Track, UriLinkAndArtistLine) {
  Track t;
  t.id = "4cOdK2wGLETKBW3PvgPWqT";
  t.artists = {"Mark Ronson", "Bruno Mars"};
  EXPECT_EQ(t.uri(), "spotify:track:4cOdK2wGLETKBW3PvgPWqT");
  EXPECT_EQ(t.url(), "https://open.spotify.com/track/4cOdK2wGLETKBW3PvgPWqT");
  EXPECT_EQ(t.artist_line(), "Mark Ronson, Bruno Mars");
}

TEST(Track, NormalisesLanguagesToIso639Codes) {
  EXPECT_EQ(normalize_language("en"), "en");
  EXPECT_EQ(normalize_language(" ES "), "es");
  EXPECT_EQ(normalize_language("pt-BR"), "pt");  // the region is dropped
  EXPECT_EQ(normalize_language("en_US"), "en");
  EXPECT_EQ(normalize_language("English"), "en");
  EXPECT_EQ(normalize_language("spanish"), "es");
  EXPECT_EQ(normalize_language("Mandarin"), "zh");
  EXPECT_EQ(normalize_language("xh"), "xh");  // any two letters, named in the table or not
  for (const char* bad : {"", "  ", "e", "eng", "Klingon", "e1", "en-", "-US", "español"}) {
    EXPECT_EQ(normalize_language(bad), std::nullopt) << bad;
  }
}

TEST(Track, MergeGenresIsAnOrderedLowerCaseUnion) {
  EXPECT_EQ(merge_genres("", "Acoustic"), "acoustic");
  EXPECT_EQ(merge_genres("acoustic", "chill;Acoustic"), "acoustic;chill");
  EXPECT_EQ(merge_genres("acoustic;chill", "acoustic;chill"), "acoustic;chill");
  EXPECT_EQ(merge_genres(" pop ; ;rock", ""), "pop;rock");
}

}  // namespace
}  // namespace emomusic::music
