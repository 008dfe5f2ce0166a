#pragma once
/// @file
/// Frames from a webcam, a video file or a stream URL (whatever cv::VideoCapture opens).

#include <chrono>
#include <cstdint>
#include <memory>
#include <opencv2/core.hpp>
#include <string>
#include <vector>

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
  /// A video file or URL. Throws InputError for a missing, empty or undecodable file, or one whose
  /// frames are larger than kMaxImagePixels (vision/image_inputs.hpp).
  static VideoSource open(const std::string& file_or_url);

  ~VideoSource();
  VideoSource(VideoSource&&) noexcept;
  VideoSource& operator=(VideoSource&&) noexcept;

  /// The next frame; false at the end of the video. In a file, a frame that does not decode is
  /// skipped and recorded in bad_frames() (the next good frame keeps its own index and time);
  /// the end is where the frame count the file declares is reached, or after
  /// kMaxConsecutiveBadFrames failures in a row, so a broken file cannot loop forever.
  bool read(Frame& frame);

  /// Consecutive undecodable frames after which a file is taken to end.
  static constexpr int kMaxConsecutiveBadFrames = 100;

  /// Indices of the frames skipped so far because they did not decode, in order.
  const std::vector<std::int64_t>& bad_frames() const { return bad_frames_; }
  /// Frames the file declares that never came, after the last one that decoded (known once
  /// read() has returned false). Not counted as bad: some containers only estimate their count.
  std::int64_t missing_at_end() const { return missing_at_end_; }

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
  std::int64_t frame_count_ = 0;  ///< declared by a file; 0 when unknown (cameras, most streams)
  std::vector<std::int64_t> bad_frames_;
  std::int64_t missing_at_end_ = 0;
  cv::Mat first_;  ///< a camera's first frame, read while opening to tell a busy camera
  std::chrono::steady_clock::time_point start_;
};

}  // namespace emomusic::vision
