#include "emomusic/music/ranking.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "emomusic/core/error.hpp"
#include "music_fixtures.hpp"

namespace emomusic::music {
namespace {

using test::at;
using test::exact;
using test::ids;

TEST(FeatureDistance, IsWeightedRmsOverKnownFeatures) {
  Track t;
  t.valence = 0.5;
  t.energy = 0.5;
  FeatureTarget target;
  target.valence = 0.5;
  target.energy = 0.5;
  const FeatureWeights w;
  EXPECT_DOUBLE_EQ(feature_distance(t, target, w), 0.0);
  target.valence = 0.9;  // only valence differs, by 0.4, with equal weights on two features
  EXPECT_NEAR(feature_distance(t, target, w), std::sqrt(0.16 / 2), 1e-12);

  FeatureWeights with_dance = w;
  with_dance.danceability = 1.0;
  target.danceability = 0.0;  // the track does not know its danceability: the term is skipped
  EXPECT_NEAR(feature_distance(t, target, with_dance), std::sqrt(0.16 / 2), 1e-12);
  t.danceability = 1.0;
  EXPECT_NEAR(feature_distance(t, target, with_dance), std::sqrt((0.16 + 1.0) / 3), 1e-12);
}

TEST(FeatureDistance, ScalesTempoOverTheRange) {
  Track t;
  t.tempo = 120;
  FeatureTarget target;
  target.tempo = 180;
  FeatureWeights w;
  w.valence = w.energy = 0;
  w.tempo = 1;
  EXPECT_NEAR(feature_distance(t, target, w), 0.5, 1e-12);  // (180-120)/(180-60)
  t.tempo = 240;                                            // clamped to the range's top
  EXPECT_NEAR(feature_distance(t, target, w), 0.0, 1e-12);
}

TEST(Recommend, ReturnsTheNearestTracksNearestFirst) {
  const auto tracks = test::grid_tracks(10);
  const auto playlist = recommend(tracks, at(0.81, 0.79), FeatureWeights{}, {}, exact(5));
  ASSERT_EQ(playlist.size(), 5u);
  // Brute force: sort everything by distance.
  std::vector<std::pair<double, std::string>> all;
  for (const auto& t : tracks) {
    all.emplace_back(feature_distance(t, at(0.81, 0.79)[0].target, FeatureWeights{}), t.id);
  }
  std::sort(all.begin(), all.end());
  for (std::size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(playlist[i].track.id, all[i].second);
    EXPECT_DOUBLE_EQ(playlist[i].distance, all[i].first);
    if (i > 0) {
      EXPECT_LE(playlist[i - 1].distance, playlist[i].distance);
    }
  }
}

TEST(Recommend, CapsTracksPerArtistAndSkipsDuplicateRecordings) {
  auto tracks = test::grid_tracks(10);
  for (auto& t : tracks) t.artists = {t.valence > 0.5 ? "Same Band" : "Other " + t.id};
  // A second id for the best match's recording (single vs album).
  Track copy = tracks[77];
  copy.id = test::make_id(9999);
  tracks.push_back(copy);
  RankOptions o = exact(10);
  o.max_per_artist = 2;
  const auto playlist = recommend(tracks, at(0.8, 0.8), FeatureWeights{}, {}, o);
  ASSERT_EQ(playlist.size(), 10u);
  std::map<std::string, int> per_artist;
  std::set<std::string> names;
  for (const auto& r : playlist) {
    ++per_artist[r.track.artists[0]];
    EXPECT_TRUE(names.insert(r.track.name).second) << "duplicate recording " << r.track.name;
  }
  EXPECT_EQ(per_artist["Same Band"], 2);
}

TEST(Recommend, DiversitySpreadsThePicks) {
  // A tight cluster right at the target, and a ring of tracks a little further out.
  std::vector<Track> tracks;
  for (int i = 0; i < 60; ++i) {
    Track t;
    t.id = test::make_id(i);
    t.name = "T" + std::to_string(i);
    t.artists = {"A" + std::to_string(i)};
    const bool cluster = i < 30;
    const double angle = i * 0.7;
    const double radius = cluster ? 0.005 : 0.12;
    t.valence = 0.5 + radius * std::cos(angle);
    t.energy = 0.5 + radius * std::sin(angle);
    tracks.push_back(t);
  }
  auto spread = [&](double diversity) {
    RankOptions o = exact(8);
    o.diversity = diversity;
    const auto playlist = recommend(tracks, at(0.5, 0.5), FeatureWeights{}, {}, o);
    double sum = 0;
    int pairs = 0;
    for (std::size_t i = 0; i < playlist.size(); ++i) {
      for (std::size_t j = i + 1; j < playlist.size(); ++j) {
        sum += feature_distance(playlist[i].track,
                                {playlist[j].track.valence, playlist[j].track.energy},
                                FeatureWeights{});
        ++pairs;
      }
    }
    return sum / pairs;
  };
  EXPECT_GT(spread(0.5), 2 * spread(0.0));
}

TEST(Recommend, FiltersByGenreArtistExplicitAndYear) {
  auto tracks = test::grid_tracks(6);
  for (std::size_t i = 0; i < tracks.size(); ++i) {
    tracks[i].genre = i % 2 ? "hard-rock;metal" : "pop";
    tracks[i].explicit_lyrics = i % 3 == 0;
  }
  tracks[5].year = 0;  // unknown year never passes a year filter
  TrackFilter f;
  f.genre = "ROCK";
  f.no_explicit = true;
  f.set_years("1995-2005");
  const auto playlist = recommend(tracks, at(0.5, 0.5), FeatureWeights{}, f, exact(100));
  ASSERT_FALSE(playlist.empty());
  for (const auto& r : playlist) {
    EXPECT_NE(r.track.genre.find("rock"), std::string::npos);
    EXPECT_FALSE(r.track.explicit_lyrics);
    EXPECT_GE(r.track.year, 1995);
    EXPECT_LE(r.track.year, 2005);
  }
  std::size_t expected = 0;
  for (const auto& t : tracks) expected += f.matches(t);
  EXPECT_EQ(playlist.size(), expected);

  TrackFilter by_artist;
  by_artist.artist = "artist 7";
  const auto one = recommend(tracks, at(0.5, 0.5), FeatureWeights{}, by_artist, exact(10));
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0].track.artists[0], "Artist 7");

  TrackFilter none;
  none.genre = "polka";
  EXPECT_THROW(recommend(tracks, at(0.5, 0.5), FeatureWeights{}, none, exact(10)), NotFoundError);
}

TEST(TrackFilter, ParsesYearRanges) {
  TrackFilter f;
  f.set_years("1999");
  EXPECT_EQ(f.year_from, 1999);
  EXPECT_EQ(f.year_to, 1999);
  f.set_years("1990-");
  EXPECT_EQ(f.year_from, 1990);
  EXPECT_EQ(f.year_to, 0);
  f.set_years("-1980");
  EXPECT_EQ(f.year_from, 0);
  EXPECT_EQ(f.year_to, 1980);
  EXPECT_THROW(f.set_years("nineties"), UsageError);
  EXPECT_THROW(f.set_years("2000-1990"), UsageError);
  EXPECT_THROW(f.set_years("-"), UsageError);
}

TEST(Recommend, ALanguageFilterKeepsThatLanguageAndLeavesOutUnknownOnes) {
  auto tracks = test::grid_tracks(6);
  for (std::size_t i = 0; i < tracks.size(); ++i) {
    tracks[i].language = i % 3 == 0 ? "es" : i % 3 == 1 ? "en" : "";  // "" = unknown
  }
  TrackFilter f;
  f.set_language("Spanish");
  EXPECT_EQ(f.language, "es");
  const auto playlist = recommend(tracks, at(0.5, 0.5), FeatureWeights{}, f, exact(100));
  const auto spanish = std::count_if(tracks.begin(), tracks.end(),
                                     [](const Track& t) { return t.language == "es"; });
  ASSERT_GT(spanish, 0);
  EXPECT_EQ(static_cast<long>(playlist.size()), spanish);
  for (const auto& r : playlist) EXPECT_EQ(r.track.language, "es") << r.track.id;

  Track unknown = tracks[2];
  EXPECT_FALSE(f.matches(unknown));
  EXPECT_TRUE(TrackFilter{}.matches(unknown));  // no filter: any language, unknown included

  TrackFilter none;
  none.set_language("ja");
  try {
    recommend(tracks, at(0.5, 0.5), FeatureWeights{}, none, exact(10));
    FAIL() << "expected NotFoundError";
  } catch (const NotFoundError& e) {
    EXPECT_NE(std::string(e.what()).find("language ja"), std::string::npos) << e.what();
  }
}

TEST(TrackFilter, ReadsLanguagesAsCodesTagsOrNames) {
  TrackFilter f;
  f.set_language(" PT-br ");
  EXPECT_EQ(f.language, "pt");
  EXPECT_EQ(f.describe(), "language pt");
  f.set_language("");  // the page sends an empty field: any language
  EXPECT_EQ(f.language, "");
  EXPECT_EQ(f.describe(), "(no filter)");
  try {
    f.set_language("Klingon");
    FAIL() << "expected UsageError";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("language 'Klingon'"), std::string::npos) << e.what();
  }
}

TEST(Recommend, PopularityWeightPrefersPopularTracksAtEqualDistance) {
  auto tracks = test::grid_tracks(4);
  for (auto& t : tracks) {
    t.valence = 0.5;
    t.energy = 0.5;
  }
  tracks[9].popularity = 100;
  tracks[3].popularity = 90;
  RankOptions o = exact(2);
  o.popularity_weight = 0.5;
  const auto playlist = recommend(tracks, at(0.5, 0.5), FeatureWeights{}, {}, o);
  EXPECT_EQ(ids(playlist), (std::vector<std::string>{tracks[9].id, tracks[3].id}));
}

TEST(Recommend, SeedMakesOutputRepeatableAndVarietyVariesIt) {
  const auto tracks = test::grid_tracks(40);
  RankOptions o;
  o.limit = 20;
  o.seed = 7;
  const auto a = ids(recommend(tracks, at(0.7, 0.6), FeatureWeights{}, {}, o));
  EXPECT_EQ(ids(recommend(tracks, at(0.7, 0.6), FeatureWeights{}, {}, o)), a);
  std::set<std::vector<std::string>> distinct;
  for (std::uint64_t seed = 0; seed < 5; ++seed) {
    o.seed = seed;
    distinct.insert(ids(recommend(tracks, at(0.7, 0.6), FeatureWeights{}, {}, o)));
  }
  EXPECT_GT(distinct.size(), 1u) << "different seeds should give some variety";
  o.variety = 0;
  o.seed = 1;
  const auto fixed = ids(recommend(tracks, at(0.7, 0.6), FeatureWeights{}, {}, o));
  o.seed = 2;
  EXPECT_EQ(ids(recommend(tracks, at(0.7, 0.6), FeatureWeights{}, {}, o)), fixed);
}

TEST(Recommend, LiftMovesFromTheFirstWaypointToTheLast) {
  const auto tracks = test::grid_tracks(20);
  std::vector<Waypoint> path;
  for (int i = 0; i < 4; ++i) {
    FeatureTarget t;
    t.valence = 0.25 + 0.55 * i / 3.0;  // sad → happy
    t.energy = 0.35 + 0.35 * i / 3.0;
    path.push_back({"step " + std::to_string(i + 1), t});
  }
  RankOptions o = exact(10);
  const auto playlist = recommend(tracks, path, FeatureWeights{}, {}, o);
  ASSERT_EQ(playlist.size(), 10u);
  // 10 over 4 steps: 3, 3, 2, 2.
  std::vector<int> per_step(4, 0);
  for (const auto& r : playlist) ++per_step[static_cast<std::size_t>(r.step - 1)];
  EXPECT_EQ(per_step, (std::vector<int>{3, 3, 2, 2}));
  EXPECT_EQ(playlist.front().target, "step 1");
  EXPECT_EQ(playlist.back().steps, 4);
  EXPECT_LT(playlist.front().track.valence, playlist.back().track.valence);
  for (std::size_t i = 1; i < playlist.size(); ++i) {
    EXPECT_LE(playlist[i - 1].step, playlist[i].step);
    EXPECT_LE(playlist[i - 1].track.valence, playlist[i].track.valence + 0.06)
        << "a lift should not fall back by more than a grid step";
  }
}

TEST(Recommend, ReturnsFewerWhenTheArtistCapLeavesTooFew) {
  auto tracks = test::grid_tracks(3);
  for (auto& t : tracks) t.artists = {"Solo"};
  RankOptions o = exact(5);
  o.max_per_artist = 2;
  EXPECT_EQ(recommend(tracks, at(0.5, 0.5), FeatureWeights{}, {}, o).size(), 2u);
}

}  // namespace
}  // namespace emomusic::music
