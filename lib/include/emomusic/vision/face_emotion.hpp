#pragma once
/// @file
/// What the vision area reports: a face's box and its emotion probabilities, per image or frame.

#include <array>
#include <cstdint>
#include <opencv2/core/types.hpp>
#include <optional>
#include <string>
#include <vector>

#include "emomusic/core/emotion.hpp"

namespace emomusic::vision {

/// Probabilities of the 7 classes in core label order (angry … neutral), whatever order the model
/// file lists them in.
using EmotionProbabilities = std::array<float, kEmotionCount>;

/// The most probable class.
Emotion most_probable(const EmotionProbabilities& p);

struct FaceEmotion {
  cv::Rect box;  ///< in the pixels of the analysed image or frame
  EmotionProbabilities probabilities{};
  int track = -1;  ///< tracker id in a video, -1 for still images
  Emotion emotion() const { return most_probable(probabilities); }
};

/// One analysed image or video frame.
struct FrameResult {
  std::string source;                 ///< file name, "-" for stdin, "camera:N", the video's name
  std::optional<std::int64_t> frame;  ///< frame number in a video or camera stream
  std::optional<double> time_s;       ///< seconds since the stream started
  std::vector<FaceEmotion> faces;
};

/// Intersection over union of two boxes (0 when either is empty).
double intersection_over_union(const cv::Rect& a, const cv::Rect& b);

}  // namespace emomusic::vision
