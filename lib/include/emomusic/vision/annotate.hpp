#pragma once
/// @file
/// Drawing results onto frames for --show and --output.

#include <opencv2/core.hpp>
#include <optional>
#include <vector>

#include "emomusic/vision/face_emotion.hpp"

namespace emomusic::vision {

/// Draws each face's box, its track id and emotion, and a bar per class; the frame rate in the
/// top-left corner when given.
void annotate(cv::Mat& bgr, const std::vector<FaceEmotion>& faces,
              std::optional<double> fps = std::nullopt);

}  // namespace emomusic::vision
