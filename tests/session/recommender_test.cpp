// The Recommender without HTTP: the service that `recommend`, `serve` and any later front end
// call. A playlist is the ranking of the plan with the history's likes and skips, whatever keeps
// the history; bad settings and bad files are refused naming them.
#include "emomusic/session/recommender.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <functional>
#include <limits>
#include <thread>

#include "emomusic/core/error.hpp"
#include "emomusic/music/mood_history.hpp"
#include "emomusic/music/ranking.hpp"
#include "test_support.hpp"

namespace emomusic::session {
namespace {

namespace fs = std::filesystem;
using emomusic::test::TempDir;

const fs::path kData = fs::path(EMOMUSIC_TEST_SOURCE_DIR) / "data";

// The shipped mapping and starter catalog (an empty default catalog falls back on it).
RecommenderOptions starter(const fs::path& history) {
  RecommenderOptions o;
  o.mapping = kData / "emotion_music.json";
  o.history = history;
  return o;
}

PlaylistRequest sad_five() {
  PlaylistRequest r;
  r.emotion = Emotion::kSad;
  r.rank.limit = 5;
  r.seed = 7;
  return r;
}

music::FeedbackEntry skip(const std::string& id, Emotion emotion) {
  return {id, {}, emotion, music::FeedbackKind::kSkip, music::utc_now()};
}

class RecommenderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // The default catalog lives under XDG_DATA_HOME: an empty one, so the starter is used.
    setenv("XDG_DATA_HOME", (dir / "data").c_str(), 1);
  }
  TempDir dir;
};

TEST_F(RecommenderTest, IsTheRankingOfThePlanWithTheSeedItWasGiven) {
  Recommender recommender(starter(dir / "history.db"));
  const Playlist a = recommender.recommend(sad_five());
  EXPECT_EQ(a.seed, 7u);
  EXPECT_EQ(a.plan.strategy, music::Strategy::kLift);  // sad lifts by default
  ASSERT_EQ(a.tracks.size(), 5u);

  const auto mapping = music::MoodMapping::load(kData / "emotion_music.json");
  music::RankOptions rank;
  rank.limit = 5;
  rank.seed = 7;
  const auto plan = music::plan_playlist(mapping, Emotion::kSad, std::nullopt, "", 4);
  const auto tracks = music::load_starter_catalog(kData / "starter_catalog.json");
  const auto direct = music::recommend(tracks, plan.waypoints, mapping.weights(), {}, rank);
  ASSERT_EQ(direct.size(), a.tracks.size());
  for (std::size_t i = 0; i < direct.size(); ++i) {
    EXPECT_EQ(direct[i].track.id, a.tracks[i].track.id);
  }
  // Reading the feedback of a history that does not exist creates nothing.
  EXPECT_FALSE(fs::exists(dir / "history.db"));
}

TEST_F(RecommenderTest, HonoursTheSkipsInTheHistoryFileUnlessToldNotTo) {
  Recommender recommender(starter(dir / "history.db"));
  const Playlist a = recommender.recommend(sad_five());
  music::MoodHistory(dir / "history.db").record_feedback(skip(a.tracks[0].track.id, Emotion::kSad));

  const Playlist b = recommender.recommend(sad_five());
  EXPECT_EQ(b.feedback.skipped_tracks.count(a.tracks[0].track.id), 1u);
  for (const auto& r : b.tracks) EXPECT_NE(r.track.id, a.tracks[0].track.id);

  PlaylistRequest without = sad_five();
  without.use_feedback = false;
  EXPECT_EQ(recommender.recommend(without).tracks[0].track.id, a.tracks[0].track.id);
  // A skip is for its emotion only.
  PlaylistRequest happy = sad_five();
  happy.emotion = Emotion::kHappy;
  EXPECT_TRUE(recommender.recommend(happy).feedback.skipped_tracks.empty());
}

TEST_F(RecommenderTest, AHistoryInMemoryShapesThePlaylistAndLeavesNoFile) {
  RecommenderOptions o = starter(dir / "history.db");
  o.keep_history = false;
  Recommender recommender(o);
  EXPECT_FALSE(recommender.history().kept_on_disk());
  const Playlist a = recommender.recommend(sad_five());
  recommender.history().record_feedback(skip(a.tracks[1].track.id, Emotion::kSad));
  for (const auto& r : recommender.recommend(sad_five()).tracks) {
    EXPECT_NE(r.track.id, a.tracks[1].track.id);
  }
  EXPECT_EQ(recommender.history().clear().feedback, 1);
  EXPECT_FALSE(fs::exists(dir / "history.db"));
}

TEST_F(RecommenderTest, NothingFittingIsNotFoundSayingWhy) {
  Recommender recommender(starter(dir / "history.db"));
  PlaylistRequest r = sad_five();
  r.filter.genre = "no-such-genre-here";
  try {
    recommender.recommend(r);
    FAIL() << "no error";
  } catch (const NotFoundError& e) {
    EXPECT_NE(std::string(e.what()).find("no-such-genre-here"), std::string::npos) << e.what();
  }
  r.target = "nowhere";
  r.strategy = music::Strategy::kLift;
  r.filter.genre.clear();
  EXPECT_THROW(recommender.recommend(r), UsageError);
}

// Issue 22: the library refuses what is out of range, NaN included, whoever filled it in.
TEST_F(RecommenderTest, RefusesOutOfRangeRequestsNamingTheField) {
  Recommender recommender(starter(dir / "history.db"));
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const std::vector<std::pair<std::function<void(PlaylistRequest&)>, std::string>> bad = {
      {[](PlaylistRequest& r) { r.rank.limit = 0; }, "playlist length"},
      {[](PlaylistRequest& r) { r.rank.limit = 1001; }, "playlist length"},
      {[](PlaylistRequest& r) { r.steps = 1; }, "lift steps"},
      {[](PlaylistRequest& r) { r.rank.max_per_artist = 0; }, "tracks per artist"},
      {[nan](PlaylistRequest& r) { r.rank.diversity = nan; }, "diversity"},
      {[](PlaylistRequest& r) { r.rank.popularity_weight = 1e300; }, "popularity weight"},
      {[nan](PlaylistRequest& r) { r.rank.variety = nan; }, "variety"},
      {[](PlaylistRequest& r) { r.seed = std::uint64_t{1} << 40; }, "seed"},
  };
  for (const auto& [spoil, field] : bad) {
    PlaylistRequest request;
    spoil(request);
    try {
      recommender.recommend(request);
      ADD_FAILURE() << field << ": no error";
    } catch (const UsageError& e) {
      EXPECT_NE(std::string(e.what()).find(field), std::string::npos) << e.what();
    }
  }
}

TEST_F(RecommenderTest, BadFilesFailAtStartNamingThem) {
  RecommenderOptions o = starter(kData / "starter_catalog.json");
  try {
    Recommender recommender(o);
    FAIL() << "a JSON file was taken for a history";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("starter_catalog.json"), std::string::npos) << e.what();
  }
  o = starter(dir / "history.db");
  o.mapping = dir / "missing.json";
  EXPECT_THROW(Recommender{o}, InputError);
}

TEST_F(RecommenderTest, WithoutSpotifySavingIsUnavailable) {
  Recommender recommender(starter(dir / "history.db"));
  EXPECT_FALSE(recommender.has_spotify());
  EXPECT_FALSE(recommender.spotify_login());
  EXPECT_THROW(recommender.save("Mood", {"4uLU6hMCjMI75M1A2tKUQC"}), UnavailableError);
}

// Several front-end threads at once over one service (the server's workers): the same seeds give
// the same playlists as one thread does.
TEST_F(RecommenderTest, ConcurrentCallsGiveWhatOneCallGives) {
  Recommender recommender(starter(dir / "history.db"));
  const auto expected = track_ids(recommender.recommend(sad_five()));
  std::vector<std::thread> threads;
  std::vector<std::vector<std::string>> got(4);
  for (std::size_t t = 0; t < got.size(); ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10; ++i) got[t] = track_ids(recommender.recommend(sad_five()));
    });
  }
  for (auto& t : threads) t.join();
  for (const auto& g : got) EXPECT_EQ(g, expected);
}

}  // namespace
}  // namespace emomusic::session
