#pragma once
/// @file
/// Face detection with the cascades that Debian's opencv-data package installs.

#include <filesystem>
#include <memory>
#include <opencv2/core.hpp>
#include <string>
#include <vector>

namespace emomusic::vision {

/// "haar": Haar frontal face (the default, most reliable); "lbp": LBP frontal face (faster, misses
/// more faces).
enum class DetectorKind { kHaar, kLbp };
DetectorKind parse_detector(const std::string& name);  ///< throws UsageError
std::string to_string(DetectorKind kind);

struct DetectorOptions {
  DetectorKind kind = DetectorKind::kHaar;
  /// Smallest face looked for, in pixels of the original frame.
  int min_face = 40;
  /// Frames wider than this are shrunk to this width for detection only (boxes are scaled back
  /// and faces are cropped from the full frame): detection cost grows with the pixel count while a
  /// face of min_face pixels stays detectable. 0 keeps the full size.
  int detect_width = 320;
  double scale_factor = 1.1;  ///< cascade pyramid step
  int min_neighbors = 5;      ///< cascade votes a face needs; higher: fewer false faces
  /// Cascade file; empty: the installed one for `kind` (see find_cascade()).
  std::filesystem::path cascade;
};

/// Installed cascade for `kind`: $EMOMUSIC_CASCADE_DIR, then /usr/share/opencv4 and
/// /usr/local/share/opencv4 (haarcascades/ or lbpcascades/). Throws UnavailableError naming the
/// places looked at and the package to install.
std::filesystem::path find_cascade(DetectorKind kind);

class FaceDetector {
 public:
  /// Loads the cascade; throws UnavailableError when it is missing, ModelError when unreadable.
  explicit FaceDetector(const DetectorOptions& options);
  ~FaceDetector();
  FaceDetector(FaceDetector&&) noexcept;
  FaceDetector& operator=(FaceDetector&&) noexcept;

  /// All faces in an 8-bit grayscale frame, in its pixel coordinates, largest first.
  std::vector<cv::Rect> detect(const cv::Mat& gray);

  const DetectorOptions& options() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace emomusic::vision
