// Benchmark (not a test): end-to-end frames per second of `detect` on a 640×480 video with one
// face, per detector, and the latency of classifying one face. Run by scripts/bench_detect.sh.
//
//   bench_detect [--frames N] [--model FILE]
//
// The video is assembled from a taiwanese-dev photograph (Haar cascades do not find drawn faces).
// Without --model, the shipped model is used, else an untrained one of the default architecture
// (same cost).
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>
#include <string>

#include "emomusic/core/paths.hpp"
#include "emomusic/vision/emotion_pipeline.hpp"
#include "emomusic/vision/face_tracker.hpp"
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

void bench_detector(DetectorKind kind, const fs::path& video, const fs::path& model) {
  DetectorOptions o;
  o.kind = kind;
  EmotionPipeline pipeline(FaceDetector(o), FaceClassifier({model}));
  FaceTracker tracker;
  auto source = VideoSource::open(video.string());
  Frame frame;
  std::int64_t frames = 0, with_face = 0;
  const auto start = Clock::now();
  while (source.read(frame)) {
    const auto faces = tracker.update(pipeline.analyse(frame.image), frame.time_s);
    ++frames;
    with_face += faces.empty() ? 0 : 1;
  }
  const double s = seconds_since(start);
  std::cout << "detector " << to_string(kind) << ": " << frames / s << " frames/s end to end ("
            << frames << " frames of 640x480 incl. decoding, a face in " << with_face << ")\n";
}

void bench_classifier(const fs::path& model) {
  FaceClassifier classifier({model});
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
            << ms[ms.size() * 9 / 10] << " ms)\n";
  const std::vector<cv::Mat> four(4, crop);
  const auto t = Clock::now();
  for (int i = 0; i < 100; ++i) classifier.classify(four);
  std::cout << "classification: " << 1000 * seconds_since(t) / 400
            << " ms per face in batches of 4\n";
}

}  // namespace

int main(int argc, char** argv) {
  int frames = 600;
  fs::path model;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string arg = argv[i];
    if (arg == "--frames")
      frames = std::atoi(argv[i + 1]);
    else if (arg == "--model")
      model = argv[i + 1];
  }
  const auto photos = test::shared_file("data/faces/taiwanese-dev");
  if (!photos) {
    std::cerr << "bench_detect needs ../shared/data/faces/taiwanese-dev for a real face\n";
    return 2;
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
  bench_detector(DetectorKind::kHaar, video, model);
  bench_detector(DetectorKind::kLbp, video, model);
  bench_classifier(model);
  return 0;
}
