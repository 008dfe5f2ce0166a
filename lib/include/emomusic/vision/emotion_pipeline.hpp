#pragma once
/// @file
/// Frame → every face in it with its emotion: detection, crop, one batched classification.

#include <opencv2/core.hpp>
#include <vector>

#include "emomusic/vision/face_classifier.hpp"
#include "emomusic/vision/face_crop.hpp"
#include "emomusic/vision/face_detector.hpp"

namespace emomusic::vision {

class EmotionPipeline {
 public:
  EmotionPipeline(FaceDetector detector, FaceClassifier classifier,
                  double margin = kDefaultFaceMargin);

  /// Faces of a BGR (or grayscale) image, largest first, track ids unset.
  std::vector<FaceEmotion> analyse(const cv::Mat& image);

  FaceClassifier& classifier() { return classifier_; }

 private:
  FaceDetector detector_;
  FaceClassifier classifier_;
  double margin_;
};

}  // namespace emomusic::vision
