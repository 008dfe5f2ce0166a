#include "emomusic/vision/video_source.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <opencv2/videoio.hpp>

#include "emomusic/core/error.hpp"
#include "emomusic/vision/image_inputs.hpp"

namespace emomusic::vision {
namespace fs = std::filesystem;

VideoSource::VideoSource(std::unique_ptr<cv::VideoCapture> capture, std::string name, bool live)
    : capture_(std::move(capture)),
      name_(std::move(name)),
      live_(live),
      start_(std::chrono::steady_clock::now()) {
  fps_ = capture_->get(cv::CAP_PROP_FPS);
  if (!(fps_ > 0 && fps_ < 1000)) fps_ = 30;
  const double count = capture_->get(cv::CAP_PROP_FRAME_COUNT);
  if (!live_ && count > 0 && count < 1e12) frame_count_ = static_cast<std::int64_t>(count);
}

VideoSource::~VideoSource() = default;
VideoSource::VideoSource(VideoSource&&) noexcept = default;
VideoSource& VideoSource::operator=(VideoSource&&) noexcept = default;

VideoSource VideoSource::camera(int index, int width, int height) {
  const std::string device = "/dev/video" + std::to_string(index);
  const std::string name = "camera:" + std::to_string(index);
  std::error_code ec;
  if (index < 0 || !fs::exists(device, ec)) {
    throw UnavailableError("no camera " + std::to_string(index) + " (" + device +
                           " does not exist); is a webcam plugged in? Cameras here: see "
                           "`ls /dev/video*`");
  }
  if (::access(device.c_str(), R_OK | W_OK) != 0) {
    throw UnavailableError("camera " + device +
                           " is not accessible to this user; add yourself to the 'video' group");
  }
  auto capture = std::make_unique<cv::VideoCapture>(index, cv::CAP_V4L2);
  if (capture->isOpened()) {
    capture->set(cv::CAP_PROP_FRAME_WIDTH, width);
    capture->set(cv::CAP_PROP_FRAME_HEIGHT, height);
  }
  VideoSource source(std::move(capture), name, true);
  // A camera in use by another program opens but delivers nothing: read one frame to tell.
  if (!source.capture_->isOpened() || !source.capture_->read(source.first_) ||
      source.first_.empty()) {
    throw UnavailableError("camera " + device +
                           " could not be started: it is busy in another program, or it is not "
                           "a video capture device");
  }
  source.start_ = std::chrono::steady_clock::now();
  return source;
}

VideoSource VideoSource::open(const std::string& file_or_url) {
  const bool url = file_or_url.find("://") != std::string::npos;
  std::error_code ec;
  if (!url) {
    if (!fs::exists(file_or_url, ec)) throw InputError("video " + file_or_url + " does not exist");
    if (fs::is_directory(file_or_url, ec)) throw InputError(file_or_url + " is a folder");
    if (fs::file_size(file_or_url, ec) == 0) {
      throw InputError("video " + file_or_url + " is empty (0 bytes)");
    }
    if (::access(file_or_url.c_str(), R_OK) != 0) {
      throw InputError("video " + file_or_url + " cannot be read (permission denied?)");
    }
  }
  auto capture = std::make_unique<cv::VideoCapture>(file_or_url);
  if (!capture->isOpened()) {
    throw InputError(url ? "cannot open stream " + file_or_url + " (unreachable or unsupported)"
                         : "video " + file_or_url + " is not a video OpenCV can decode");
  }
  // The header's frame size, before any frame is decoded, against the same limit as images.
  const double width = capture->get(cv::CAP_PROP_FRAME_WIDTH);
  const double height = capture->get(cv::CAP_PROP_FRAME_HEIGHT);
  if (width * height > static_cast<double>(kMaxImagePixels)) {
    throw InputError(
        fmt::format("video {} has frames of {}×{} pixels, more than the limit of {} "
                    "megapixels",
                    file_or_url, width, height, kMaxImagePixels / 1'000'000));
  }
  return VideoSource(std::move(capture), file_or_url, false);
}

bool VideoSource::read(Frame& frame) {
  if (!first_.empty()) {
    frame.image = first_;
    first_ = cv::Mat();
  } else {
    // OpenCV answers false both for a frame that does not decode (FFmpeg has then consumed it:
    // the next read gives the frame after) and at the end. Only the file's declared frame count
    // tells them apart; failures stay pending until a good frame proves they were in the middle.
    std::int64_t failures = 0;
    while (!capture_->read(frame.image) || frame.image.empty()) {
      ++failures;
      if (frame_count_ <= 0 || next_index_ + failures >= frame_count_ ||
          failures >= kMaxConsecutiveBadFrames) {
        missing_at_end_ = std::max<std::int64_t>(0, frame_count_ - next_index_);
        return false;
      }
    }
    for (std::int64_t i = 0; i < failures; ++i) bad_frames_.push_back(next_index_++);
  }
  frame.index = next_index_++;
  frame.time_s =
      live_ ? std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count()
            : static_cast<double>(frame.index) / fps_;
  return true;
}

}  // namespace emomusic::vision
