#include "taiwanese_faces.hpp"

#include <fstream>
#include <stdexcept>
#include <string>

namespace emomusic::test {

std::vector<LabelledPhoto> read_labelled_photos(const std::filesystem::path& dir) {
  std::ifstream in(dir / "labels.csv");
  if (!in) throw std::runtime_error("cannot read " + (dir / "labels.csv").string());
  std::string line;
  std::getline(in, line);  // header
  std::vector<LabelledPhoto> photos;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const auto comma = line.find(',');
    if (comma == std::string::npos) continue;
    photos.push_back({dir / line.substr(0, comma), emotion_from_string(line.substr(comma + 1))});
  }
  return photos;
}

cv::Mat compose_frame(const std::vector<cv::Mat>& photos, int shift) {
  cv::Mat frame(480, 640, CV_8UC3, cv::Scalar(128, 128, 128));
  int x = 20 + shift;
  for (const auto& photo : photos) {
    photo.copyTo(frame(cv::Rect(x, 100, photo.cols, photo.rows)));
    x += photo.cols + 40;
  }
  return frame;
}

}  // namespace emomusic::test
