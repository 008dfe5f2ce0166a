#include "emomusic/vision/detect_run.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdlib>
#include <opencv2/highgui.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/videoio.hpp>

#include "emomusic/core/atomic_file.hpp"
#include "emomusic/core/interrupt.hpp"
#include "emomusic/vision/annotate.hpp"
#include "emomusic/vision/image_inputs.hpp"

namespace emomusic::vision {
namespace fs = std::filesystem;

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

void save_image(const fs::path& path, const cv::Mat& image) {
  std::vector<uchar> bytes;
  const std::string ext = path.extension().string();
  bool encoded = false;
  try {
    encoded = !ext.empty() && cv::imencode(ext, image, bytes);
  } catch (const cv::Exception&) {
    encoded = false;  // OpenCV throws for an extension it has no encoder for
  }
  if (!encoded) {
    throw UsageError("cannot write " + path.string() +
                     ": give an image extension OpenCV can encode (.png, .jpg, .bmp, .webp)");
  }
  write_file_atomically(path, std::string(bytes.begin(), bytes.end()));
}

// An annotated video, written beside its final name and renamed there once complete, so a
// stopped run never leaves a truncated file under that name.
class AnnotatedVideo {
 public:
  AnnotatedVideo(fs::path path, double fps) : path_(std::move(path)), fps_(fps) {
    partial_ = path_.parent_path() /
               ("." + path_.stem().string() + ".partial" + path_.extension().string());
  }
  ~AnnotatedVideo() {
    if (committed_) return;
    writer_.release();
    std::error_code ec;
    fs::remove(partial_, ec);
  }

  void write(const cv::Mat& frame) {
    if (!writer_.isOpened()) {
      const std::string ext = path_.extension().string();
      const int fourcc = (ext == ".mp4" || ext == ".m4v" || ext == ".mov")
                             ? cv::VideoWriter::fourcc('m', 'p', '4', 'v')
                             : cv::VideoWriter::fourcc('M', 'J', 'P', 'G');
      if (!path_.parent_path().empty()) fs::create_directories(path_.parent_path());
      if (!writer_.open(partial_.string(), fourcc, fps_, frame.size())) {
        throw InputError("cannot write video " + path_.string() +
                         " (use .avi or .mp4, in a writable folder)");
      }
    }
    writer_.write(frame);
  }

  void commit() {
    if (!writer_.isOpened()) return;
    writer_.release();
    fs::rename(partial_, path_);
    committed_ = true;
  }

 private:
  fs::path path_;
  fs::path partial_;
  double fps_;
  cv::VideoWriter writer_;
  bool committed_ = false;
};

constexpr const char* kWindow = "emomusic detect";

std::vector<cv::Rect> boxes(const std::vector<FaceEmotion>& faces) {
  std::vector<cv::Rect> out;
  for (const auto& f : faces) out.push_back(f.box);
  return out;
}

}  // namespace

void require_display() {
  const char* x11 = std::getenv("DISPLAY");
  const char* wayland = std::getenv("WAYLAND_DISPLAY");
  if ((!x11 || !*x11) && (!wayland || !*wayland)) {
    throw UnavailableError(
        "--show needs a display, and neither DISPLAY nor WAYLAND_DISPLAY is set (ssh -X, or "
        "use --output FILE to save the annotated frames instead)");
  }
}

DetectSummary analyse_images(EmotionPipeline& pipeline, const std::vector<fs::path>& images,
                             ResultWriter& writer, const fs::path& output) {
  const auto start = Clock::now();
  std::error_code ec;
  const bool output_folder = !output.empty() && (images.size() > 1 || fs::is_directory(output, ec));
  DetectSummary summary;
  for (const auto& path : images) {
    if ((summary.interrupted = interrupt_requested())) break;
    ++summary.items;
    const std::string name = path.string();
    cv::Mat image;
    try {
      image = read_image(path);
    } catch (const InputError& e) {
      spdlog::error("{}", e.what());
      ++summary.failed;
      continue;
    }
    FrameResult result{name, std::nullopt, std::nullopt, pipeline.analyse(image)};
    ++summary.frames;
    summary.faces += static_cast<std::int64_t>(result.faces.size());
    writer.write(result);
    if (result.faces.empty()) {
      spdlog::error("{}: no face found", name);
      ++summary.failed;
      ++summary.no_face;
    }
    if (!output.empty()) {
      annotate(image, result.faces);
      save_image(
          output_folder ? output / (path == "-" ? fs::path("stdin.png") : path.filename()) : output,
          image);
    }
  }
  writer.finish();
  summary.seconds = seconds_since(start);
  return summary;
}

DetectSummary analyse_stream(EmotionPipeline& pipeline, VideoSource& source,
                             const StreamOptions& options, ResultWriter* writer) {
  if (options.every < 1) throw UsageError("--every must be at least 1");
  if (options.once && options.timeout_s <= 0) throw UsageError("--timeout must be positive");
  if (options.show) {
    require_display();
    cv::namedWindow(kWindow, cv::WINDOW_AUTOSIZE);
  }
  const auto start = Clock::now();
  FaceTracker tracker(options.tracker, options.stability);
  std::optional<AnnotatedVideo> video;
  if (!options.output.empty()) video.emplace(options.output, source.fps());
  DetectSummary summary;
  summary.items = 1;
  const int rescan_every = pipeline.detector().options().rescan_every;
  std::vector<FaceEmotion> faces;  // of the last analysed frame; drawn on the frames between
  std::optional<double> fps;
  auto last = Clock::now();
  bool timed_out = false;
  Frame frame;
  while (!(summary.interrupted = interrupt_requested()) && source.read(frame)) {
    if (options.once && frame.time_s > options.timeout_s) {
      timed_out = true;
      break;
    }
    if (frame.index % options.every == 0) {
      const bool rescan = faces.empty() || summary.frames % rescan_every == 0;
      faces = tracker.update(
          rescan ? pipeline.analyse(frame.image) : pipeline.analyse_near(frame.image, boxes(faces)),
          frame.time_s);
      ++summary.frames;
      summary.faces += static_cast<std::int64_t>(faces.size());
      if (writer && !options.once) writer->write({source.name(), frame.index, frame.time_s, faces});
      if (options.once) {
        if ((summary.settled = tracker.stable_emotion(frame.time_s))) break;
      }
    }
    const double dt = std::chrono::duration<double>(Clock::now() - last).count();
    last = Clock::now();
    if (dt > 0) fps = fps ? 0.9 * *fps + 0.1 / dt : 1.0 / dt;
    if (options.show || video) {
      annotate(frame.image, faces, fps);
      if (video) video->write(frame.image);
      if (options.show) {
        cv::imshow(kWindow, frame.image);
        const int key = cv::waitKey(1);
        if (key == 'q' || key == 27) break;
      }
    }
  }
  if (video) video->commit();
  if (options.show) cv::destroyWindow(kWindow);
  if (writer) writer->finish();
  summary.seconds = seconds_since(start);
  if (summary.faces == 0) {
    summary.failed = summary.no_face = 1;
  }
  if (options.once && !summary.settled) {
    if (summary.interrupted) throw InterruptedError("interrupted before an emotion settled");
    const std::string when = timed_out ? fmt::format("within {:g} s", options.timeout_s)
                                       : "before " + source.name() + " ended";
    if (summary.faces == 0) throw NotFoundError("no face appeared " + when);
    throw NotFoundError(
        fmt::format("no face's emotion stayed the same for {:g} s with {:.0f}% confidence {}",
                    options.stability.seconds, 100 * options.stability.confidence, when));
  }
  return summary;
}

ExitCode finish_run(const DetectSummary& s) {
  const double rate = s.seconds > 0 ? s.frames / s.seconds : 0.0;
  spdlog::info(
      "{} item(s), {} failed ({} without a face); {} frame(s) analysed, {} face(s), {:.1f} "
      "frames/s",
      s.items, s.failed, s.no_face, s.frames, s.faces, rate);
  if (s.interrupted) {
    spdlog::warn("interrupted: the results above are complete up to there");
    return ExitCode::kInterrupted;
  }
  if (s.failed == 0) return ExitCode::kOk;
  if (s.failed < s.items) return ExitCode::kPartial;
  return s.no_face == s.failed ? ExitCode::kNotFound : ExitCode::kBadInput;
}

}  // namespace emomusic::vision
