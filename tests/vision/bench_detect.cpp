// Benchmark (not a test): end-to-end frames per second of `detect` on a 640×480 video with one
// face, per detector, and the latency of classifying one face. Run by scripts/bench_detect.sh.
//
//   bench_detect [--frames N] [--model FILE]
//   zcat ../shared/data/fer2013/fer2013.csv.gz | bench_detect --framing   (crop margin vs FER)
//
// The video is assembled from a taiwanese-dev photograph (Haar cascades do not find drawn faces).
// Frames per CPU-second is what an unloaded machine would reach, when the machine is shared;
// with OMP_NUM_THREADS=1 OPENCV_FOR_THREADS_NUM=1 it is the speed of one core.
// Without --model, the shipped model is used, else an untrained one of the default architecture
// (same cost).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <ctime>
#include <iostream>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>
#include <sstream>
#include <stdexcept>
#include <string>

#include "emomusic/core/paths.hpp"
#include "emomusic/vision/detect_run.hpp"
#include "emomusic/vision/face_crop.hpp"
#include "emomusic/vision/image_inputs.hpp"
#include "emomusic/vision/video_source.hpp"
#include "taiwanese_faces.hpp"
#include "test_support.hpp"
#include "tiny_model.hpp"

using namespace emomusic;
using namespace emomusic::vision;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

// One performer, enlarged to a typical webcam face size, drifting across a 640×480 frame.
void write_video(const fs::path& path, const cv::Mat& photo, int frames) {
  cv::Mat face;
  cv::resize(photo, face, cv::Size(360, 360), 0, 0, cv::INTER_LINEAR);
  cv::VideoWriter w(path.string(), cv::VideoWriter::fourcc('M', 'J', 'P', 'G'), 30,
                    cv::Size(640, 480));
  for (int i = 0; i < frames; ++i) {
    cv::Mat frame(480, 640, CV_8UC3, cv::Scalar(110, 120, 130));
    face.copyTo(frame(cv::Rect(40 + (i % 200), 60, face.cols, face.rows)));
    w.write(frame);
  }
}

// What `detect --video FILE --format jsonl` does, output formatting included (into a discarding
// stream), with the given detector settings.
void bench_detector(const DetectorOptions& o, const fs::path& video, const fs::path& model) {
  EmotionPipeline pipeline(FaceDetector(o), FaceClassifier({{model}}));
  auto source = VideoSource::open(video.string());
  std::ostream discard(nullptr);
  ResultWriter writer(discard, OutputFormat::kJsonl);
  const std::clock_t cpu = std::clock();
  const auto s = analyse_stream(pipeline, source, {}, &writer);
  const double cpu_s = static_cast<double>(std::clock() - cpu) / CLOCKS_PER_SEC;
  std::cout << "detector " << to_string(o.kind) << " (rescan every " << o.rescan_every
            << "): " << s.frames / s.seconds << " frames/s end to end, " << s.frames / cpu_s
            << " frames per CPU-second (" << s.frames << " frames of 640x480 incl. decoding; "
            << s.faces << " faces found)\n";
}

// The detector alone on the frames: grayscale conversion and a whole-frame search.
void bench_full_scan(DetectorKind kind, const fs::path& video) {
  DetectorOptions o;
  o.kind = kind;
  FaceDetector detector(o);
  auto source = VideoSource::open(video.string());
  Frame frame;
  double seconds = 0;
  int frames = 0;
  while (source.read(frame)) {
    const auto t = Clock::now();
    detector.detect(to_gray(frame.image));
    seconds += seconds_since(t);
    ++frames;
  }
  std::cout << "detector " << to_string(kind) << ": " << 1000 * seconds / frames
            << " ms per whole-frame search (grayscale included)\n";
}

void bench_classifier(const fs::path& model) {
  FaceClassifier classifier({{model}});
  cv::Mat crop(classifier.input_size(), classifier.input_size(), CV_8UC1);
  cv::randu(crop, 0, 256);
  for (int i = 0; i < 20; ++i) classifier.classify({crop});  // warm-up
  std::vector<double> ms;
  for (int i = 0; i < 300; ++i) {
    const auto t = Clock::now();
    classifier.classify({crop});
    ms.push_back(1000 * seconds_since(t));
  }
  std::sort(ms.begin(), ms.end());
  std::cout << "classification: " << ms[ms.size() / 2] << " ms per face (median of 300, p90 "
            << ms[ms.size() * 9 / 10] << " ms, wall clock)\n";
  const std::vector<cv::Mat> four(4, crop);
  const auto t = Clock::now();
  for (int i = 0; i < 100; ++i) classifier.classify(four);
  std::cout << "classification: " << 1000 * seconds_since(t) / 400
            << " ms per face in batches of 4\n";
}

// Mean of FER2013's Training faces, read as CSV text (emotion,pixels,Usage) from `in`.
cv::Mat mean_fer_face(std::istream& in) {
  cv::Mat sum(48, 48, CV_64F, cv::Scalar(0));
  int n = 0;
  for (std::string line; std::getline(in, line);) {
    const auto a = line.find(','), b = line.rfind(',');
    if (a == std::string::npos || line.compare(b + 1, 8, "Training") != 0) continue;
    std::istringstream pixels(line.substr(a + 1, b - a - 1));
    cv::Mat face(48, 48, CV_64F);
    int i = 0;
    for (int v; i < 48 * 48 && pixels >> v; ++i) face.at<double>(i / 48, i % 48) = v;
    if (i != 48 * 48) continue;
    sum += face;
    ++n;
  }
  if (n == 0) throw std::runtime_error("no Training rows in the FER2013 CSV on stdin");
  return sum / n;
}

// Correlation coefficient of two same-size single-channel images.
double correlation(const cv::Mat& a, const cv::Mat& b) {
  cv::Mat x, y;
  a.convertTo(x, CV_64F);
  b.convertTo(y, CV_64F);
  x -= cv::mean(x)[0];
  y -= cv::mean(y)[0];
  return x.dot(y) / std::sqrt(x.dot(x) * y.dot(y));
}

cv::Mat gradient_magnitude(const cv::Mat& img) {
  cv::Mat f, gx, gy, mag;
  img.convertTo(f, CV_64F);
  cv::Sobel(f, gx, CV_64F, 1, 0);
  cv::Sobel(f, gy, CV_64F, 0, 1);
  cv::magnitude(gx, gy, mag);
  return mag;
}

// Which crop margin makes Haar crops of taiwanese-dev look like FER2013 faces: the correlation of
// the mean crop with the mean FER face, in intensity and in edges (where eyes, mouth and the face
// outline sit).
void compare_framing(std::istream& fer, const fs::path& photos) {
  const cv::Mat fer_mean = mean_fer_face(fer);
  FaceDetector detector({});
  std::vector<std::pair<cv::Mat, cv::Rect>> faces;
  for (const auto& p : test::read_labelled_photos(photos)) {
    const cv::Mat gray = to_gray(read_image(p.path));
    const auto boxes = detector.detect(gray);
    if (!boxes.empty()) faces.emplace_back(gray, boxes.front());
  }
  for (const double margin : {-0.1, -0.05, 0.0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3}) {
    cv::Mat sum(48, 48, CV_64F, cv::Scalar(0));
    for (const auto& [gray, box] : faces) {
      cv::Mat crop;
      crop_face(gray, box, margin, 48).convertTo(crop, CV_64F);
      sum += crop;
    }
    const cv::Mat mean = sum / static_cast<double>(faces.size());
    std::cout << "margin " << margin << ": correlation with the mean FER2013 face "
              << correlation(mean, fer_mean) << " (intensity), "
              << correlation(gradient_magnitude(mean), gradient_magnitude(fer_mean))
              << " (edges)\n";
  }
}

}  // namespace

int main(int argc, char** argv) {
  int frames = 600;
  fs::path model;
  bool framing = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--framing") {
      framing = true;
    } else if (arg == "--frames" && i + 1 < argc) {
      frames = std::atoi(argv[++i]);
    } else if (arg == "--model" && i + 1 < argc) {
      model = argv[++i];
    }
  }
  const auto photos = test::shared_file("data/faces/taiwanese-dev");
  if (!photos) {
    std::cerr << "bench_detect needs ../shared/data/faces/taiwanese-dev for a real face\n";
    return 2;
  }
  if (framing) {
    compare_framing(std::cin, *photos);
    return 0;
  }
  test::TempDir dir;
  if (model.empty()) {
    if (auto shipped = find_shipped_file("models/emotion.safetensors")) {
      model = *shipped;
    } else {
      model = dir / "untrained.safetensors";
      test::write_default_arch_model(model);
      std::cout << "(no shipped model yet: timing an untrained model of the default "
                   "architecture)\n";
    }
  }
  std::cout << "model: " << model << "\n";
  const fs::path video = dir / "bench.avi";
  write_video(video, read_image(test::read_labelled_photos(*photos).front().path), frames);
  for (const auto kind : {DetectorKind::kHaar, DetectorKind::kLbp}) {
    DetectorOptions o;
    o.kind = kind;
    bench_detector(o, video, model);
    o.rescan_every = 1;
    bench_detector(o, video, model);
    bench_full_scan(kind, video);
  }
  bench_classifier(model);
  return 0;
}
