#pragma once
/// @file
/// From a camera frame to the network's input: grayscale, a face crop framed like FER2013, resize.
/// Normalisation is not done here: the classifier applies the model file's own (nn/preprocess.hpp).

#include <opencv2/core.hpp>

namespace emomusic::vision {

/// Border added around the detected box on every side, as a fraction of its side (negative:
/// cropped inside the box). Measured through the whole pipeline on the taiwanese-dev photographs
/// (docs/vision.md, "Crop margin"): Haar's box holds more than FER2013's framing, and with the
/// shipped model's predecessor accuracy rose from 53.5% at 0 to 56.8% at -0.05 and 58.3% at -0.1,
/// then fell apart below -0.15 (51.7% at -0.2) as the crop cuts into the mouth and brows. The
/// same held for every model tried, so -0.1 sits on the safe side of that edge.
inline constexpr double kDefaultFaceMargin = -0.1;

/// BGR (OpenCV's order for decoded images and camera frames) or BGRA → 8-bit grayscale; a
/// grayscale image is returned as is.
cv::Mat to_gray(const cv::Mat& bgr);

/// The square around `face` grown by `margin` × side on every side, centred on the face. It may
/// reach outside the frame.
cv::Rect crop_box(const cv::Rect& face, double margin);

/// The crop_box() of `face` from a grayscale frame, with the frame's edge pixels repeated where
/// the box leaves the frame (so the face keeps its proportions), resized to size×size: INTER_AREA
/// when shrinking, INTER_LINEAR when enlarging.
cv::Mat crop_face(const cv::Mat& gray, const cv::Rect& face, double margin, int size);

}  // namespace emomusic::vision
