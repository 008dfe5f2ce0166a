#pragma once
/// @file
/// From a camera frame to the network's input: grayscale, a face crop framed like FER2013, resize.
/// Normalisation is not done here: the classifier applies the model file's own (nn/preprocess.hpp).

#include <opencv2/core.hpp>

namespace emomusic::vision {

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
