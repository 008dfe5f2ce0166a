#include "emomusic/vision/annotate.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <opencv2/imgproc.hpp>

namespace emomusic::vision {

namespace {

const cv::Scalar kBox(80, 220, 80);
const cv::Scalar kBar(60, 170, 255);
const cv::Scalar kText(255, 255, 255);
const cv::Scalar kShade(40, 40, 40);

void label(cv::Mat& img, const std::string& text, cv::Point origin, double scale) {
  int baseline = 0;
  const auto size = cv::getTextSize(text, cv::FONT_HERSHEY_SIMPLEX, scale, 1, &baseline);
  cv::rectangle(img, origin + cv::Point(0, baseline), origin + cv::Point(size.width, -size.height),
                kShade, cv::FILLED);
  cv::putText(img, text, origin, cv::FONT_HERSHEY_SIMPLEX, scale, kText, 1, cv::LINE_AA);
}

}  // namespace

void annotate(cv::Mat& bgr, const std::vector<FaceEmotion>& faces, std::optional<double> fps) {
  for (const auto& face : faces) {
    const Emotion e = face.emotion();
    cv::rectangle(bgr, face.box, kBox, 2);
    const std::string title =
        (face.track >= 0 ? fmt::format("#{} ", face.track) : std::string()) +
        fmt::format("{} {:.0f}%", to_string(e), 100.0 * face.probabilities[to_index(e)]);
    label(bgr, title, {face.box.x, std::max(12, face.box.y - 4)}, 0.5);
    // One bar per class beside the box (left of it when the right side has no room).
    const int bar_width = 60;
    const int row = 12;
    const bool right = face.box.br().x + 70 + bar_width < bgr.cols;
    const int x = right ? face.box.br().x + 4 : std::max(0, face.box.x - 70 - bar_width);
    for (int i = 0; i < kEmotionCount; ++i) {
      const int y = face.box.y + i * row;
      label(bgr, std::string(emotion_names()[i]), {x, y + row - 2}, 0.35);
      const int filled = static_cast<int>(bar_width * face.probabilities[i]);
      cv::rectangle(bgr, cv::Rect(x + 66, y + 2, bar_width, row - 3), kShade, cv::FILLED);
      cv::rectangle(bgr, cv::Rect(x + 66, y + 2, filled, row - 3), kBar, cv::FILLED);
    }
  }
  if (fps) label(bgr, fmt::format("{:.1f} FPS", *fps), {6, 18}, 0.55);
}

}  // namespace emomusic::vision
