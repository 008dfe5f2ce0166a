#include "emomusic/vision/face_detector.hpp"

#include <algorithm>
#include <cstdlib>
#include <opencv2/imgproc.hpp>
#include <opencv2/objdetect.hpp>
#include <optional>

#include "emomusic/core/error.hpp"
#include "emomusic/core/named_values.hpp"
#include "emomusic/core/text.hpp"
#include "emomusic/vision/face_emotion.hpp"
#include "emomusic/vision/option_ranges.hpp"

namespace emomusic::vision {
namespace fs = std::filesystem;

const std::vector<std::string>& detector_names() {
  static const std::vector<std::string> names{"haar", "lbp"};  // in DetectorKind's order
  return names;
}

DetectorKind parse_detector(const std::string& name) {
  return parse_named<DetectorKind>(detector_names(), name, "face detector");
}

std::string to_string(DetectorKind kind) {
  return name_of(detector_names(), kind);
}

fs::path find_cascade(DetectorKind kind) {
  const fs::path relative = kind == DetectorKind::kHaar
                                ? fs::path("haarcascades") / "haarcascade_frontalface_default.xml"
                                : fs::path("lbpcascades") / "lbpcascade_frontalface_improved.xml";
  std::vector<fs::path> roots;
  if (const char* dir = std::getenv("EMOMUSIC_CASCADE_DIR"); dir && *dir) roots.emplace_back(dir);
  roots.emplace_back("/usr/share/opencv4");
  roots.emplace_back("/usr/local/share/opencv4");
  std::string looked;
  for (const auto& root : roots) {
    const fs::path candidate = root / relative;
    std::error_code ec;
    if (fs::is_regular_file(candidate, ec)) return candidate;
    looked += (looked.empty() ? "" : ", ") + candidate.string();
  }
  throw UnavailableError("the " + to_string(kind) + " face detector is not installed (looked for " +
                         looked +
                         "); install Debian's opencv-data package, set EMOMUSIC_CASCADE_DIR, or "
                         "name a cascade file");
}

namespace {

// Whether `size` can hold a face of `min_side` pixels that the cascade's window can see. A frame
// thinner than that holds none, and shrinking it further (1500x1 to 640 wide) would leave no
// pixel row at all, which OpenCV refuses with an assertion.
bool can_hold_face(cv::Size size, int min_side, cv::Size window) {
  return size.width >= std::max(min_side, window.width) &&
         size.height >= std::max(min_side, window.height);
}

// `size` scaled by `scale`, rounded as cv::resize rounds it.
cv::Size scaled(cv::Size size, double scale) {
  return cv::Size(cvRound(size.width * scale), cvRound(size.height * scale));
}

void sort_largest_first(std::vector<cv::Rect>& faces) {
  std::stable_sort(faces.begin(), faces.end(),
                   [](const cv::Rect& a, const cv::Rect& b) { return a.area() > b.area(); });
}

}  // namespace

struct FaceDetector::Impl {
  DetectorOptions options;
  cv::CascadeClassifier cascade;
  cv::Mat small;  // reused between frames
};

FaceDetector::FaceDetector(const DetectorOptions& options) : impl_(std::make_unique<Impl>()) {
  impl_->options = options;
  check_range(options.min_face, kMinFaceRange, "the smallest face size");
  check_range(options.detect_width, kDetectWidthRange, "the detection width");
  check_range(options.min_neighbors, kMinNeighborsRange, "the detector's votes per face");
  check_range(options.rescan_every, kRescanEveryRange, "the rescan interval");
  // Written so that NaN fails too.
  if (!(options.scale_factor > 1.0 && options.scale_factor <= 4.0)) {
    throw UsageError("the detector's scale factor must be above 1 and at most 4");
  }
  fs::path file = options.cascade;
  if (file.empty()) {
    file = find_cascade(options.kind);
  } else if (std::error_code ec; !fs::is_regular_file(file, ec)) {
    throw UnavailableError("face detector cascade " + file.string() + " does not exist");
  }
  bool loaded = false;
  std::string why;
  try {
    loaded = impl_->cascade.load(file.string());
  } catch (const cv::Exception& e) {
    // OpenCV's XML/YAML parser throws on a malformed file rather than returning false.
    why = ": " + e.err;
  }
  if (!loaded) {
    throw ModelError("face detector cascade " + file.string() +
                     " could not be loaded (not an OpenCV cascade XML file?)" + why);
  }
  impl_->options.cascade = file;
}

FaceDetector::~FaceDetector() = default;
FaceDetector::FaceDetector(FaceDetector&&) noexcept = default;
FaceDetector& FaceDetector::operator=(FaceDetector&&) noexcept = default;

const DetectorOptions& FaceDetector::options() const {
  return impl_->options;
}

std::vector<cv::Rect> FaceDetector::detect(const cv::Mat& gray) {
  CV_Assert(gray.type() == CV_8UC1);
  const auto& o = impl_->options;
  const cv::Size window = impl_->cascade.getOriginalWindowSize();
  if (!can_hold_face(gray.size(), o.min_face, window)) return {};
  double scale = 1.0;
  const cv::Mat* searched = &gray;
  if (o.detect_width > 0 && gray.cols > o.detect_width) {
    scale = static_cast<double>(o.detect_width) / gray.cols;
  }
  const int min_side = std::max(1, static_cast<int>(o.min_face * scale));
  if (!can_hold_face(scaled(gray.size(), scale), min_side, window)) return {};
  if (scale != 1.0) {
    cv::resize(gray, impl_->small, cv::Size(), scale, scale, cv::INTER_AREA);
    searched = &impl_->small;
  }
  std::vector<cv::Rect> faces;
  impl_->cascade.detectMultiScale(*searched, faces, o.scale_factor, o.min_neighbors, 0,
                                  cv::Size(min_side, min_side));
  const cv::Rect frame(0, 0, gray.cols, gray.rows);
  for (auto& f : faces) {
    if (scale != 1.0) {
      f = cv::Rect(cvRound(f.x / scale), cvRound(f.y / scale), cvRound(f.width / scale),
                   cvRound(f.height / scale));
    }
    f &= frame;
  }
  sort_largest_first(faces);
  return faces;
}

std::vector<cv::Rect> FaceDetector::detect_near(const cv::Mat& gray,
                                                const std::vector<cv::Rect>& previous) {
  CV_Assert(gray.type() == CV_8UC1);
  const auto& o = impl_->options;
  const cv::Size cascade_window = impl_->cascade.getOriginalWindowSize();
  const cv::Rect frame(0, 0, gray.cols, gray.rows);
  std::vector<cv::Rect> faces;
  for (const auto& p : previous) {
    const int side = std::max(p.width, p.height);
    const cv::Rect window =
        cv::Rect(p.x - side / 2, p.y - side / 2, p.width + side, p.height + side) & frame;
    if (window.area() == 0) continue;
    const double scale = std::min(1.0, static_cast<double>(kNearFaceSide) / side);
    const int lo = std::max(1, static_cast<int>(0.7 * side * scale));
    const int hi = static_cast<int>(1.4 * side * scale) + 1;
    // A window cut down by the frame's edge may be too thin for the face it looks for.
    if (!can_hold_face(scaled(window.size(), scale), lo, cascade_window)) continue;
    cv::resize(gray(window), impl_->small, cv::Size(), scale, scale, cv::INTER_AREA);
    std::vector<cv::Rect> found;
    impl_->cascade.detectMultiScale(impl_->small, found, o.scale_factor, o.min_neighbors, 0,
                                    cv::Size(lo, lo), cv::Size(hi, hi));
    // The one that best continues the previous box; others in the window are someone else's.
    double best_iou = 0;
    std::optional<cv::Rect> best;
    for (const auto& f : found) {
      const cv::Rect r = cv::Rect(window.x + cvRound(f.x / scale), window.y + cvRound(f.y / scale),
                                  cvRound(f.width / scale), cvRound(f.height / scale)) &
                         frame;
      const double iou = intersection_over_union(r, p);
      if (iou > best_iou) {
        best_iou = iou;
        best = r;
      }
    }
    // Two people close together may both re-find the same face; keep it once.
    const bool duplicate = best && std::any_of(faces.begin(), faces.end(), [&](const cv::Rect& f) {
                             return intersection_over_union(f, *best) > 0.5;
                           });
    if (best && !duplicate) faces.push_back(*best);
  }
  sort_largest_first(faces);
  return faces;
}

}  // namespace emomusic::vision
