// Likes and skips in ranking: RankOptions::feedback, fed from the history database.

#include <gtest/gtest.h>

#include <algorithm>

#include "emomusic/core/error.hpp"
#include "emomusic/music/mood_history.hpp"
#include "emomusic/music/ranking.hpp"
#include "music_fixtures.hpp"
#include "test_support.hpp"

namespace emomusic::music {
namespace {

using test::at;
using test::exact;
using test::ids;

// Position of `id` in the playlist, or the playlist's size when absent.
std::size_t rank_of(const std::vector<Recommendation>& playlist, const std::string& id) {
  const auto list = ids(playlist);
  return static_cast<std::size_t>(std::find(list.begin(), list.end(), id) - list.begin());
}

TEST(FeedbackRanking, ASkippedTrackNeverComesBackForThatMood) {
  const auto tracks = test::grid_tracks(10);
  const auto target = at(0.25, 0.25);
  const auto plain = recommend(tracks, target, FeatureWeights{}, {}, exact(10));
  const std::string nearest = plain.front().track.id;

  emomusic::test::TempDir dir;
  MoodHistory history(dir / "history.db");
  history.record_feedback({nearest, {}, Emotion::kSad, FeedbackKind::kSkip, 100});

  RankOptions sad = exact(10);
  sad.feedback = history.feedback(Emotion::kSad);
  // Whatever the limit, jitter or seed: the skipped track is not there.
  for (int limit : {1, 10, 100}) {
    sad.limit = limit;
    for (std::uint64_t seed : {1u, 2u, 3u}) {
      sad.variety = 0.1;
      sad.seed = seed;
      const auto playlist = recommend(tracks, target, FeatureWeights{}, {}, sad);
      EXPECT_EQ(rank_of(playlist, nearest), playlist.size()) << "limit " << limit;
    }
  }
  // Another mood's feedback does not hold it back.
  RankOptions happy = exact(10);
  happy.feedback = history.feedback(Emotion::kHappy);
  EXPECT_EQ(recommend(tracks, target, FeatureWeights{}, {}, happy).front().track.id, nearest);
}

TEST(FeedbackRanking, ALikedTrackMovesUpAndKeepsItsTrueDistance) {
  const auto tracks = test::grid_tracks(10);
  const auto target = at(0.52, 0.52);
  const auto plain = recommend(tracks, target, FeatureWeights{}, {}, exact(12));
  const Recommendation& fifth = plain[4];
  ASSERT_GT(fifth.distance, plain[0].distance);  // the test needs a track that is not a tie

  RankOptions liked = exact(12);
  liked.feedback.liked_tracks = {fifth.track.id};
  const auto playlist = recommend(tracks, target, FeatureWeights{}, {}, liked);
  const std::size_t now = rank_of(playlist, fifth.track.id);
  EXPECT_LT(now, 4u);
  // The "why" still shows the feature distance, not the scaled one used for ranking.
  EXPECT_DOUBLE_EQ(playlist[now].distance, fifth.distance);
}

TEST(FeedbackRanking, ArtistsArePulledNearerOrPushedAway) {
  const auto tracks = test::grid_tracks(10);
  const auto target = at(0.52, 0.52);
  const auto plain = recommend(tracks, target, FeatureWeights{}, {}, exact(12));
  const Track& first = plain[0].track;
  const Track& fifth = plain[4].track;

  RankOptions o = exact(12);
  // Case-insensitive, as the history stores them.
  o.feedback.liked_artists = {"artist " + fifth.name.substr(6)};
  o.feedback.skipped_artists = {first.artists.front()};
  const auto playlist = recommend(tracks, target, FeatureWeights{}, {}, o);
  EXPECT_LT(rank_of(playlist, fifth.id), 4u);
  EXPECT_GT(rank_of(playlist, first.id), 0u);  // pushed away, but not banned
}

TEST(FeedbackRanking, EmptyFeedbackChangesNothing) {
  const auto tracks = test::grid_tracks(12);
  RankOptions defaults;  // with jitter and diversity, as `recommend` runs by default
  defaults.seed = 42;
  RankOptions with_empty = defaults;
  with_empty.feedback = Feedback{};
  const auto a = recommend(tracks, at(0.3, 0.7), FeatureWeights{}, {}, defaults);
  const auto b = recommend(tracks, at(0.3, 0.7), FeatureWeights{}, {}, with_empty);
  ASSERT_EQ(ids(a), ids(b));
  for (std::size_t i = 0; i < a.size(); ++i) EXPECT_EQ(a[i].distance, b[i].distance);

  // Feedback about tracks that are not in the list changes nothing either.
  RankOptions unrelated = defaults;
  unrelated.feedback.skipped_tracks = {test::make_id(99999)};
  unrelated.feedback.liked_artists = {"nobody here"};
  EXPECT_EQ(ids(recommend(tracks, at(0.3, 0.7), FeatureWeights{}, {}, unrelated)), ids(a));
}

TEST(FeedbackRanking, EverythingSkippedIsNotFound) {
  auto tracks = test::grid_tracks(2);
  RankOptions o = exact(4);
  for (const auto& t : tracks) o.feedback.skipped_tracks.insert(t.id);
  try {
    recommend(tracks, at(0.5, 0.5), FeatureWeights{}, {}, o);
    FAIL() << "expected NotFoundError";
  } catch (const NotFoundError& e) {
    EXPECT_NE(std::string(e.what()).find("skipped"), std::string::npos) << e.what();
  }
}

TEST(FeedbackRanking, DropSkippedRemovesOnlySkippedTracks) {
  const auto tracks = test::grid_tracks(3);
  auto playlist = recommend(tracks, at(0.5, 0.5), FeatureWeights{}, {}, exact(9));
  ASSERT_EQ(playlist.size(), 9u);
  Feedback f;
  f.skipped_tracks = {playlist[2].track.id, playlist[5].track.id};
  f.liked_tracks = {playlist[0].track.id};
  const std::string kept = playlist[3].track.id;
  EXPECT_EQ(drop_skipped(playlist, f), 2u);
  EXPECT_EQ(playlist.size(), 7u);
  EXPECT_EQ(playlist[2].track.id, kept);
  EXPECT_EQ(drop_skipped(playlist, Feedback{}), 0u);
}

}  // namespace
}  // namespace emomusic::music
