#include "emomusic/vision/face_tracker.hpp"

#include <algorithm>
#include <tuple>

#include "emomusic/core/error.hpp"
#include "emomusic/vision/option_ranges.hpp"

namespace emomusic::vision {

FaceTracker::FaceTracker(TrackerOptions options, StabilityOptions stability)
    : options_(options), stability_(stability) {
  check_range(options_.smoothing, kSmoothingRange, "the smoothing window");
  check_range(stability_.seconds, kStableSecondsRange, "the time a mood must hold");
  check_range(stability_.confidence, kStableConfidenceRange, "the confidence a mood must keep");
  if (options_.min_iou <= 0 || options_.min_iou > 1) {
    throw UsageError("tracking IoU threshold must be in (0, 1]");
  }
}

void FaceTracker::smooth(Track& track, const EmotionProbabilities& p, double time_s) const {
  const float alpha = 2.0f / (static_cast<float>(options_.smoothing) + 1.0f);
  for (int e = 0; e < kEmotionCount; ++e) {
    track.smoothed[e] = alpha * p[e] + (1.0f - alpha) * track.smoothed[e];
  }
  const Emotion top = most_probable(track.smoothed);
  if (track.smoothed[to_index(top)] < stability_.confidence) {
    track.top_since.reset();
  } else if (top != track.top || !track.top_since) {
    track.top_since = time_s;
  }
  track.top = top;
}

std::vector<FaceEmotion> FaceTracker::update(std::vector<FaceEmotion> faces, double time_s) {
  // Greedy matching, best overlap first: each face continues at most one track and each track
  // takes at most one face, so two people can never share (and mix) a track.
  std::vector<std::tuple<double, std::size_t, std::size_t>> pairs;
  for (std::size_t f = 0; f < faces.size(); ++f) {
    for (std::size_t t = 0; t < tracks_.size(); ++t) {
      const double iou = intersection_over_union(faces[f].box, tracks_[t].box);
      if (iou >= options_.min_iou) pairs.emplace_back(iou, f, t);
    }
  }
  std::sort(pairs.begin(), pairs.end(),
            [](const auto& a, const auto& b) { return std::get<0>(a) > std::get<0>(b); });
  std::vector<int> track_of_face(faces.size(), -1);
  std::vector<bool> track_taken(tracks_.size(), false);
  for (const auto& [iou, f, t] : pairs) {
    if (track_of_face[f] >= 0 || track_taken[t]) continue;
    track_of_face[f] = static_cast<int>(t);
    track_taken[t] = true;
  }
  for (std::size_t t = 0; t < tracks_.size(); ++t) {
    if (!track_taken[t]) ++tracks_[t].missed;
  }
  for (std::size_t f = 0; f < faces.size(); ++f) {
    if (track_of_face[f] < 0) {
      // A new face starts from its own first probabilities, not from a blend with nothing.
      Track track{next_id_++, faces[f].box, faces[f].probabilities, 0, faces[f].emotion(), {}};
      smooth(track, faces[f].probabilities, time_s);
      track_of_face[f] = static_cast<int>(tracks_.size());
      tracks_.push_back(track);
    } else {
      Track& track = tracks_[track_of_face[f]];
      track.box = faces[f].box;
      track.missed = 0;
      smooth(track, faces[f].probabilities, time_s);
    }
    const Track& track = tracks_[track_of_face[f]];
    faces[f].track = track.id;
    faces[f].probabilities = track.smoothed;
  }
  tracks_.erase(std::remove_if(tracks_.begin(), tracks_.end(),
                               [&](const Track& t) { return t.missed > options_.max_missed; }),
                tracks_.end());
  return faces;
}

std::optional<Emotion> FaceTracker::stable_emotion(double time_s) const {
  for (const auto& track : tracks_) {  // ids increase along the vector
    if (track.missed == 0 && track.top_since && time_s - *track.top_since >= stability_.seconds) {
      return track.top;
    }
  }
  return std::nullopt;
}

}  // namespace emomusic::vision
