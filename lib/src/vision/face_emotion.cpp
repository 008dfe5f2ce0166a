#include "emomusic/vision/face_emotion.hpp"

#include <algorithm>

namespace emomusic::vision {

Emotion most_probable(const EmotionProbabilities& p) {
  return emotion_from_index(
      static_cast<int>(std::distance(p.begin(), std::max_element(p.begin(), p.end()))));
}

double intersection_over_union(const cv::Rect& a, const cv::Rect& b) {
  const double overlap = (a & b).area();
  const double joined = static_cast<double>(a.area()) + b.area() - overlap;
  return joined > 0 ? overlap / joined : 0.0;
}

}  // namespace emomusic::vision
