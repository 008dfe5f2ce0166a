#include "emomusic/vision/face_crop.hpp"

#include <cmath>
#include <opencv2/imgproc.hpp>

namespace emomusic::vision {

cv::Mat to_gray(const cv::Mat& bgr) {
  if (bgr.channels() == 1) return bgr;
  cv::Mat gray;
  cv::cvtColor(bgr, gray, bgr.channels() == 4 ? cv::COLOR_BGRA2GRAY : cv::COLOR_BGR2GRAY);
  return gray;
}

cv::Rect crop_box(const cv::Rect& face, double margin) {
  const double side = std::max(face.width, face.height) * (1.0 + 2.0 * margin);
  const double cx = face.x + face.width / 2.0;
  const double cy = face.y + face.height / 2.0;
  const int s = std::max(1, static_cast<int>(std::lround(side)));
  return {static_cast<int>(std::lround(cx - s / 2.0)), static_cast<int>(std::lround(cy - s / 2.0)),
          s, s};
}

cv::Mat crop_face(const cv::Mat& gray, const cv::Rect& face, double margin, int size) {
  CV_Assert(gray.type() == CV_8UC1 && !gray.empty() && size > 0);
  const cv::Rect box = crop_box(face, margin);
  const cv::Rect inside = box & cv::Rect(0, 0, gray.cols, gray.rows);
  CV_Assert(inside.area() > 0);
  cv::Mat square;
  if (inside == box) {
    square = gray(box);
  } else {
    cv::copyMakeBorder(gray(inside), square, inside.y - box.y, box.br().y - inside.br().y,
                       inside.x - box.x, box.br().x - inside.br().x, cv::BORDER_REPLICATE);
  }
  cv::Mat out;
  cv::resize(square, out, cv::Size(size, size), 0, 0,
             square.cols > size ? cv::INTER_AREA : cv::INTER_LINEAR);
  return out;
}

}  // namespace emomusic::vision
