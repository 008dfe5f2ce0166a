#pragma once
/// @file
/// Frame → every face in it with its emotion: detection, crop, one batched classification.

#include <opencv2/core.hpp>
#include <vector>

#include "emomusic/vision/face_classifier.hpp"
#include "emomusic/vision/face_detector.hpp"
#include "emomusic/vision/option_ranges.hpp"

namespace emomusic::vision {

class EmotionPipeline {
 public:
  EmotionPipeline(FaceDetector detector, FaceClassifier classifier,
                  double margin = kDefaultFaceMargin);

  /// Faces of a BGR (or grayscale) image, largest first, track ids unset.
  std::vector<FaceEmotion> analyse(const cv::Mat& image);

  /// Like analyse(), but finds faces only near the boxes of the previous frame
  /// (FaceDetector::detect_near()).
  std::vector<FaceEmotion> analyse_near(const cv::Mat& image,
                                        const std::vector<cv::Rect>& previous);

  const FaceDetector& detector() const { return detector_; }

 private:
  std::vector<FaceEmotion> classify(const cv::Mat& gray, const std::vector<cv::Rect>& boxes);

  FaceDetector detector_;
  FaceClassifier classifier_;
  double margin_;
};

}  // namespace emomusic::vision
