#include <gtest/gtest.h>

#include "emomusic/core/error.hpp"
#include "emomusic/vision/face_detector.hpp"
#include "emomusic/vision/face_tracker.hpp"

namespace emomusic::vision {

namespace {

EmotionProbabilities one_hot(Emotion e, float p = 1.0f) {
  EmotionProbabilities probs{};
  probs.fill((1.0f - p) / (kEmotionCount - 1));
  probs[to_index(e)] = p;
  return probs;
}

FaceEmotion face(int x, Emotion e, float p = 1.0f) {
  return {{x, 100, 100, 100}, one_hot(e, p)};
}

}  // namespace

TEST(Iou, OverlapOverUnion) {
  EXPECT_DOUBLE_EQ(intersection_over_union({0, 0, 10, 10}, {0, 0, 10, 10}), 1.0);
  EXPECT_DOUBLE_EQ(intersection_over_union({0, 0, 10, 10}, {5, 0, 10, 10}), 50.0 / 150.0);
  EXPECT_DOUBLE_EQ(intersection_over_union({0, 0, 10, 10}, {20, 0, 10, 10}), 0.0);
  EXPECT_DOUBLE_EQ(intersection_over_union({}, {}), 0.0);
}

TEST(FaceTracker, TwoPeopleKeepTheirOwnTracksAndEmotions) {
  FaceTracker tracker({0.3, 5, 3});
  // Person A (happy) on the left, B (sad) on the right, both drifting right, listed in either
  // order: ids and smoothed emotions must follow the boxes, never the list position.
  for (int frame = 0; frame < 10; ++frame) {
    std::vector<FaceEmotion> faces = {face(50 + 5 * frame, Emotion::kHappy),
                                      face(300 + 5 * frame, Emotion::kSad)};
    if (frame % 2) std::swap(faces[0], faces[1]);
    const auto out = tracker.update(faces, frame / 30.0);
    ASSERT_EQ(out.size(), 2u);
    for (const auto& f : out) {
      const bool left = f.box.x < 200;
      EXPECT_EQ(f.track, left ? 1 : 2) << "frame " << frame;
      EXPECT_EQ(f.emotion(), left ? Emotion::kHappy : Emotion::kSad) << "frame " << frame;
      EXPECT_FLOAT_EQ(f.probabilities[to_index(left ? Emotion::kHappy : Emotion::kSad)], 1.0f);
    }
  }
  EXPECT_EQ(tracker.track_count(), 2u);
}

TEST(FaceTracker, ExponentialMovingAverageOverTheWindow) {
  FaceTracker tracker({0.3, 5, 3});  // alpha = 2 / (3 + 1) = 0.5
  auto out = tracker.update({face(0, Emotion::kHappy)}, 0.0);
  EXPECT_FLOAT_EQ(out[0].probabilities[to_index(Emotion::kHappy)], 1.0f);  // starts from itself
  out = tracker.update({face(2, Emotion::kAngry)}, 0.1);
  EXPECT_FLOAT_EQ(out[0].probabilities[to_index(Emotion::kHappy)], 0.5f);
  EXPECT_FLOAT_EQ(out[0].probabilities[to_index(Emotion::kAngry)], 0.5f);
  out = tracker.update({face(4, Emotion::kAngry)}, 0.2);
  EXPECT_FLOAT_EQ(out[0].probabilities[to_index(Emotion::kHappy)], 0.25f);
  EXPECT_FLOAT_EQ(out[0].probabilities[to_index(Emotion::kAngry)], 0.75f);
  EXPECT_EQ(out[0].track, 1);

  FaceTracker raw({0.3, 5, 1});  // window 1: no smoothing
  raw.update({face(0, Emotion::kHappy)}, 0.0);
  out = raw.update({face(0, Emotion::kAngry)}, 0.1);
  EXPECT_FLOAT_EQ(out[0].probabilities[to_index(Emotion::kAngry)], 1.0f);
}

TEST(FaceTracker, NewFaceGetsNewIdAndLostTracksExpire) {
  FaceTracker tracker({0.3, 2, 1});
  EXPECT_EQ(tracker.update({face(0, Emotion::kHappy)}, 0)[0].track, 1);
  // Far away: not the same person.
  EXPECT_EQ(tracker.update({face(400, Emotion::kHappy)}, 0.1)[0].track, 2);
  tracker.update({}, 0.2);
  EXPECT_EQ(tracker.track_count(), 2u);  // 1 missed twice, 2 once: both kept
  tracker.update({}, 0.3);
  EXPECT_EQ(tracker.track_count(), 1u);  // 1 missed three times: dropped
  tracker.update({}, 0.4);
  EXPECT_EQ(tracker.track_count(), 0u);
  EXPECT_EQ(tracker.update({face(0, Emotion::kHappy)}, 0.5)[0].track, 3);  // ids never reused
}

TEST(FaceTracker, EmotionIsStableAfterTheConfiguredTimeAndConfidence) {
  FaceTracker tracker({0.3, 5, 1}, {1.0, 0.6});
  tracker.update({face(0, Emotion::kSad, 0.9f)}, 0.0);
  EXPECT_FALSE(tracker.stable_emotion(0.0));
  tracker.update({face(0, Emotion::kSad, 0.9f)}, 0.5);
  EXPECT_FALSE(tracker.stable_emotion(0.5));
  // A dip below the confidence restarts the clock.
  tracker.update({face(0, Emotion::kSad, 0.5f)}, 0.8);
  tracker.update({face(0, Emotion::kSad, 0.9f)}, 0.9);
  tracker.update({face(0, Emotion::kSad, 0.9f)}, 1.5);
  EXPECT_FALSE(tracker.stable_emotion(1.5));
  tracker.update({face(0, Emotion::kSad, 0.9f)}, 2.0);
  EXPECT_EQ(tracker.stable_emotion(2.0), Emotion::kSad);
  // A change of emotion restarts it too.
  tracker.update({face(0, Emotion::kFear, 0.9f)}, 2.1);
  EXPECT_FALSE(tracker.stable_emotion(2.1));
  tracker.update({face(0, Emotion::kFear, 0.9f)}, 3.2);
  EXPECT_EQ(tracker.stable_emotion(3.2), Emotion::kFear);
}

// Issue 20: one rescan rule for detect's streams and the page's sessions: the whole frame when no
// face is followed and every N analysed frames, only near the followed faces in between.
TEST(RescanSchedule, WholeFrameWhenNothingIsFollowedAndEveryNFrames) {
  RescanSchedule rescan;
  std::string pattern;
  const std::string following = "0111111111";  // no face on the first frame, then faces
  for (int frame = 0; frame < 10; ++frame) {
    const bool whole = rescan.next_is_whole(following[frame] == '1', 4);
    pattern += whole ? 'W' : 'n';
    rescan.analysed(whole);
  }
  EXPECT_EQ(pattern, "WnnnWnnnWn");
  // A face lost makes the next frame whole at once, and the count starts again.
  EXPECT_TRUE(rescan.next_is_whole(false, 4));
  rescan.analysed(true);
  EXPECT_FALSE(rescan.next_is_whole(true, 4));
  // 1: always the whole frame.
  EXPECT_TRUE(RescanSchedule{}.next_is_whole(true, 1));
}

TEST(FaceTracker, RejectsBadOptions) {
  EXPECT_THROW(FaceTracker({0.3, 5, 0}), UsageError);
  EXPECT_THROW(FaceTracker({0.0, 5, 3}), UsageError);
}

}  // namespace emomusic::vision
