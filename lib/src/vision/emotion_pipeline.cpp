#include "emomusic/vision/emotion_pipeline.hpp"

#include "emomusic/vision/face_crop.hpp"
#include "emomusic/vision/option_ranges.hpp"

namespace emomusic::vision {

EmotionPipeline::EmotionPipeline(FaceDetector detector, FaceClassifier classifier, double margin)
    : detector_(std::move(detector)), classifier_(std::move(classifier)), margin_(margin) {
  check_range(margin, kFaceMarginRange, "the face margin");
}

std::vector<FaceEmotion> EmotionPipeline::analyse(const cv::Mat& image) {
  const cv::Mat gray = to_gray(image);
  return classify(gray, detector_.detect(gray));
}

std::vector<FaceEmotion> EmotionPipeline::analyse_near(const cv::Mat& image,
                                                       const std::vector<cv::Rect>& previous) {
  const cv::Mat gray = to_gray(image);
  return classify(gray, detector_.detect_near(gray, previous));
}

std::vector<FaceEmotion> EmotionPipeline::classify(const cv::Mat& gray,
                                                   const std::vector<cv::Rect>& boxes) {
  std::vector<cv::Mat> crops;
  crops.reserve(boxes.size());
  for (const auto& box : boxes) {
    crops.push_back(crop_face(gray, box, margin_, classifier_.input_size()));
  }
  const auto probabilities = classifier_.classify(crops);
  std::vector<FaceEmotion> faces(boxes.size());
  for (std::size_t i = 0; i < boxes.size(); ++i) {
    faces[i].box = boxes[i];
    faces[i].probabilities = probabilities[i];
  }
  return faces;
}

}  // namespace emomusic::vision
