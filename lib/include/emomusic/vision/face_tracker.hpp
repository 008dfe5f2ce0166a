#pragma once
/// @file
/// Follows faces from frame to frame so that each person keeps an id and their own smoothed
/// emotion, and says when one face's emotion has settled (detect --once).

#include <optional>
#include <vector>

#include "emomusic/vision/face_emotion.hpp"

namespace emomusic::vision {

struct TrackerOptions {
  /// A face continues a track when their boxes overlap at least this much (IoU); each track takes
  /// at most one face per frame, best overlaps first, so two people never share a track.
  double min_iou = 0.3;
  /// Analysed frames a track may go unseen before it is dropped.
  int max_missed = 5;
  /// Exponential moving average over about this many analysed frames (alpha = 2/(N+1)); 1: none.
  int smoothing = 5;
};

/// When a track's emotion counts as settled.
struct StabilityOptions {
  double seconds = 1.0;     ///< the smoothed top class stayed the same for this long …
  double confidence = 0.5;  ///< … with at least this smoothed probability throughout
};

class FaceTracker {
 public:
  explicit FaceTracker(TrackerOptions options = {}, StabilityOptions stability = {});

  /// Assigns the faces of the frame at `time_s` to tracks and replaces their probabilities with
  /// the track's smoothed ones; returns them with `track` set.
  std::vector<FaceEmotion> update(std::vector<FaceEmotion> faces, double time_s);

  /// The emotion of the first track (lowest id) that has been stable at `time_s`.
  std::optional<Emotion> stable_emotion(double time_s) const;

  std::size_t track_count() const { return tracks_.size(); }

 private:
  struct Track {
    int id;
    cv::Rect box;
    EmotionProbabilities smoothed;
    int missed = 0;
    Emotion top;
    std::optional<double> top_since;  ///< since when `top` has led with enough confidence
  };
  void smooth(Track& track, const EmotionProbabilities& p, double time_s) const;

  TrackerOptions options_;
  StabilityOptions stability_;
  std::vector<Track> tracks_;
  int next_id_ = 1;
};

}  // namespace emomusic::vision
