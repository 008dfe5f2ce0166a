#pragma once
/// @file
/// Frames from a webcam, a video file or a stream URL (whatever cv::VideoCapture opens).

#include <chrono>
#include <cstdint>
#include <memory>
#include <opencv2/core.hpp>
#include <string>

namespace cv {
class VideoCapture;
}

namespace emomusic::vision {

struct Frame {
  cv::Mat image;  ///< BGR
  std::int64_t index = 0;
  double time_s = 0;  ///< video time for files, wall-clock time since opening for cameras
};

class VideoSource {
 public:
  /// V4L2 camera N (/dev/videoN). Throws UnavailableError when there is no such camera, or when it
  /// exists but cannot be opened or gives no frame (busy in another program, or no permission).
  static VideoSource camera(int index, int width = 640, int height = 480);
  /// A video file or URL. Throws InputError for a missing, empty or undecodable file.
  static VideoSource open(const std::string& file_or_url);

  ~VideoSource();
  VideoSource(VideoSource&&) noexcept;
  VideoSource& operator=(VideoSource&&) noexcept;

  /// The next frame; false at the end of the video.
  bool read(Frame& frame);

  const std::string& name() const { return name_; }  ///< "camera:N" or the file/URL
  bool live() const { return live_; }                ///< a camera: time runs by the clock
  double fps() const { return fps_; }                ///< nominal; 30 when the source says nothing

 private:
  VideoSource(std::unique_ptr<cv::VideoCapture> capture, std::string name, bool live);

  std::unique_ptr<cv::VideoCapture> capture_;
  std::string name_;
  bool live_;
  double fps_;
  std::int64_t next_index_ = 0;
  cv::Mat first_;  ///< a camera's first frame, read while opening to tell a busy camera
  std::chrono::steady_clock::time_point start_;
};

}  // namespace emomusic::vision
