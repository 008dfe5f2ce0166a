// Benchmark (not a test): end-to-end frames per second of `detect` on a 640×480 video with one
// face, per detector, and the latency of classifying one face. Run by scripts/bench_detect.sh.
//
//   bench_detect [--frames N] [--model FILE]
//
// The video is assembled from a taiwanese-dev photograph (Haar cascades do not find drawn faces).
// Frames per CPU-second is what an unloaded machine would reach, when the machine is shared;
// with OMP_NUM_THREADS=1 OPENCV_FOR_THREADS_NUM=1 it is the speed of one core.
// Without --model, the shipped model is used, else an untrained one of the default architecture
// (same cost).
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <iostream>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>
#include <string>

#include "emomusic/core/paths.hpp"
#include "emomusic/vision/detect_run.hpp"
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
  EmotionPipeline pipeline(FaceDetector(o), FaceClassifier({model}));
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
            << ms[ms.size() * 9 / 10] << " ms, wall clock)\n";
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
