#pragma once
/// @file
/// From a camera frame to the network's input: grayscale, a face crop framed like FER2013, resize.
/// Normalisation is not done here: the classifier applies the model file's own (nn/preprocess.hpp).

#include <opencv2/core.hpp>

namespace emomusic::vision {

/// Border added around the detected box on every side, as a fraction of its side (negative:
/// cropped inside the box). 0: the Haar box as it is. Measured, not guessed: the mean Haar crop of
/// taiwanese-dev correlates best with the mean FER2013 face between margins -0.05 and 0, and
/// clearly worse from 0.05 up (docs/vision.md, "Crop margin"; `bench_detect --framing`).
inline constexpr double kDefaultFaceMargin = 0.0;

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
