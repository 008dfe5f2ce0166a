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
/// The names of DetectorKind's values, in its order: "haar", "lbp".
const std::vector<std::string>& detector_names();
DetectorKind parse_detector(
    const std::string& name);  ///< a name of detector_names(); else UsageError
std::string to_string(DetectorKind kind);

struct DetectorOptions {
  DetectorKind kind = DetectorKind::kHaar;
  /// Smallest face looked for, in pixels of the original frame. The cascade scans the frame
  /// shrunk by min_face/24 first (24: its window), so this sets the cost of a whole-frame search.
  int min_face = 48;
  /// Frames wider than this are shrunk to this width for detection only (boxes are scaled back
  /// and faces are cropped from the full frame), which bounds the cost for large photos; faces
  /// below 24 pixels at that width are then not found. 0 keeps the full size.
  int detect_width = 640;
  double scale_factor = 1.1;  ///< cascade pyramid step
  /// In a stream, the whole frame is searched every this many analysed frames (and whenever no
  /// face is being followed); in between, only near the faces of the previous frame
  /// (detect_near()), which is several times cheaper. 1: always the whole frame.
  int rescan_every = 10;
  int min_neighbors = 5;  ///< cascade votes a face needs; higher: fewer false faces
  /// Cascade file; empty: the installed one for `kind` (see find_cascade()).
  std::filesystem::path cascade;
};

/// When a stream's frame is searched whole rather than only near the faces of its previous frame
/// (DetectorOptions::rescan_every): whenever no face is followed, and every rescan_every analysed
/// frames. The one rule for `detect` and for the page's sessions.
struct RescanSchedule {
  int since_whole = 0;  ///< frames analysed since the last whole-frame search

  bool next_is_whole(bool following_faces, int rescan_every) const {
    return !following_faces || since_whole + 1 >= rescan_every;
  }
  void analysed(bool whole_frame) { since_whole = whole_frame ? 0 : since_whole + 1; }
};

/// Installed cascade for `kind`: $EMOMUSIC_CASCADE_DIR, then /usr/share/opencv4 and
/// /usr/local/share/opencv4 (haarcascades/ or lbpcascades/). Throws UnavailableError naming the
/// places looked at and the package to install.
std::filesystem::path find_cascade(DetectorKind kind);

/// detect_near() shrinks the search window so a face is about this many pixels wide: enough
/// above the cascades' 24-pixel window to be found reliably, small enough to be cheap.
inline constexpr int kNearFaceSide = 56;

class FaceDetector {
 public:
  /// Loads the cascade; throws UnavailableError when it is missing, ModelError when unreadable.
  explicit FaceDetector(const DetectorOptions& options);
  ~FaceDetector();
  FaceDetector(FaceDetector&&) noexcept;
  FaceDetector& operator=(FaceDetector&&) noexcept;

  /// All faces in an 8-bit grayscale frame, in its pixel coordinates, largest first.
  std::vector<cv::Rect> detect(const cv::Mat& gray);

  /// The faces near `previous` boxes (one frame earlier): each is looked for in a window of twice
  /// its side around it, at 0.7–1.4 times its size, shrunk so the face is about kNearFaceSide
  /// pixels. Faces that moved away or left are not returned; new faces are not looked for.
  std::vector<cv::Rect> detect_near(const cv::Mat& gray, const std::vector<cv::Rect>& previous);

  const DetectorOptions& options() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace emomusic::vision
