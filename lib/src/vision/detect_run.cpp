#include "emomusic/vision/detect_run.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/videoio.hpp>
#include <set>

#include "emomusic/core/atomic_file.hpp"
#include "emomusic/core/file_error.hpp"
#include "emomusic/core/output_files.hpp"
#include "emomusic/core/text.hpp"
#include "emomusic/vision/annotate.hpp"
#include "emomusic/vision/image_inputs.hpp"
#include "emomusic/vision/option_ranges.hpp"

namespace emomusic::vision {
namespace fs = std::filesystem;

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// OpenCV writes colour images in the formats it reads them in.
bool encodable(const fs::path& path) {
  return has_image_extension(path);
}

std::string cannot_encode(const fs::path& path) {
  return "cannot write " + path.string() +
         ": give an image extension OpenCV can encode (.png, .jpg, .bmp, .webp)";
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
  if (!encoded) throw UsageError(cannot_encode(path));
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
      prepare_output_folder(path_);
      if (!writer_.open(partial_.string(), fourcc, fps_, frame.size())) {
        throw InputError("cannot write video " + path_.string() +
                         " (use .avi or .mp4, in a writable folder)");
      }
    }
    writer_.write(frame);
  }

  const fs::path& partial() const { return partial_; }

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
        "showing frames needs a display, and neither DISPLAY nor WAYLAND_DISPLAY is set (ssh -X, "
        "or save the annotated frames to a file instead)");
  }
}

std::vector<fs::path> annotated_image_paths(const std::vector<fs::path>& images,
                                            const fs::path& output) {
  if (output.empty()) return {};
  const InputFiles inputs(images);
  std::error_code ec;
  const bool folder = images.size() > 1 || fs::is_directory(output, ec);
  if (!folder) {
    inputs.refuse(output, "output");
    if (!encodable(output)) throw UsageError(cannot_encode(output));  // before any work
    return {output};
  }
  inputs.refuse(output, "output folder");
  if (fs::exists(output, ec) && !fs::is_directory(output, ec)) {
    throw InputError("output " + output.string() + " is a file; " + std::to_string(images.size()) +
                     " annotated images need a folder");
  }
  // The folder is the output itself: made here, in a folder that must exist, as a file would be.
  if (!fs::exists(output, ec)) {
    prepare_output_folder(output);
    fs::create_directory(output, ec);
    if (ec) throw_file_error(output, "create folder", ec.value());
  }
  // Rule (docs/vision.md): the input's file name; when it is taken already, "-2", "-3", … before
  // the extension, in input order, so a/x.jpg and b/x.jpg become x.jpg and x-2.jpg.
  std::set<fs::path> taken;
  std::vector<fs::path> out;
  for (const auto& image : images) {
    // An input format OpenCV reads but cannot write in colour (.pgm, …) gets a .png copy, rather
    // than stopping the batch at that image.
    fs::path name = image == "-" ? fs::path("stdin.png") : image.filename();
    if (!encodable(name)) name.replace_extension(".png");
    fs::path candidate = name;
    for (int n = 2; taken.count(candidate); ++n) {
      candidate = name.stem().string() + "-" + std::to_string(n) + name.extension().string();
    }
    taken.insert(candidate);
    out.push_back(output / candidate);
    inputs.refuse(out.back(), "annotated copy");
  }
  return out;
}

double settled_confidence(const std::vector<FaceEmotion>& faces, Emotion emotion) {
  const FaceEmotion* best = nullptr;
  for (const auto& f : faces) {
    if (f.emotion() == emotion && (best == nullptr || f.track < best->track)) best = &f;
  }
  return best ? best->probabilities[static_cast<std::size_t>(to_index(emotion))] : 0.0;
}

DetectSummary analyse_images(EmotionPipeline& pipeline, const std::vector<fs::path>& images,
                             ResultWriter& writer, const fs::path& output,
                             const CancelToken& cancel) {
  const auto start = Clock::now();
  // All destinations are settled before the first image, so a clash stops the run before it
  // writes anything.
  const auto destinations = annotated_image_paths(images, output);
  DetectSummary summary;
  for (std::size_t i = 0; i < images.size(); ++i) {
    const auto& path = images[i];
    if ((summary.interrupted = cancel.cancelled())) break;
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
      save_image(destinations[i], image);
    }
  }
  writer.finish();
  summary.seconds = seconds_since(start);
  return summary;
}

DetectSummary analyse_stream(EmotionPipeline& pipeline, VideoSource& source,
                             const StreamOptions& options, ResultWriter* writer) {
  check_range(options.every, kEveryRange, "the frame step");
  if (options.once) check_range(options.timeout_s, kTimeoutRange, "the timeout");
  const auto start = Clock::now();
  FaceTracker tracker(options.tracker, options.stability);
  std::optional<AnnotatedVideo> video;
  if (!options.output.empty()) {
    video.emplace(options.output, source.fps());
    if (!source.live()) {
      const InputFiles input({fs::path(source.name())});
      input.refuse(options.output, "output");
      input.refuse(video->partial(), "temporary output");
    }
  }
  DetectSummary summary;
  summary.items = 1;
  const int rescan_every = pipeline.detector().options().rescan_every;
  RescanSchedule rescan;
  std::vector<FaceEmotion> faces;  // of the last analysed frame; drawn on the frames between
  std::optional<double> fps;
  auto last = Clock::now();
  bool timed_out = false;
  Frame frame;
  std::size_t bad_reported = 0;
  std::int64_t decoded = 0;
  while (!(summary.interrupted = options.cancel.cancelled()) && source.read(frame)) {
    ++decoded;
    for (; bad_reported < source.bad_frames().size(); ++bad_reported) {
      spdlog::error("{}: frame {} could not be decoded; skipped", source.name(),
                    source.bad_frames()[bad_reported]);
    }
    if (options.once && frame.time_s > options.timeout_s) {
      timed_out = true;
      break;
    }
    if (frame.index % options.every == 0) {
      const bool whole = rescan.next_is_whole(!faces.empty(), rescan_every);
      faces = tracker.update(
          whole ? pipeline.analyse(frame.image) : pipeline.analyse_near(frame.image, boxes(faces)),
          frame.time_s);
      rescan.analysed(whole);
      ++summary.frames;
      summary.faces += static_cast<std::int64_t>(faces.size());
      if (writer && !options.once) writer->write({source.name(), frame.index, frame.time_s, faces});
      if (options.once) {
        if ((summary.settled = tracker.stable_emotion(frame.time_s))) {
          summary.settled_confidence = settled_confidence(faces, *summary.settled);
          break;
        }
      }
    }
    const double dt = std::chrono::duration<double>(Clock::now() - last).count();
    last = Clock::now();
    if (dt > 0) fps = fps ? 0.9 * *fps + 0.1 / dt : 1.0 / dt;
    if (options.on_frame || video) {
      annotate(frame.image, faces, fps);
      if (video) video->write(frame.image);
      if (options.on_frame && !options.on_frame(frame.image)) break;
    }
  }
  if (video) video->commit();
  if (writer) writer->finish();
  summary.seconds = seconds_since(start);
  summary.bad_frames = static_cast<std::int64_t>(source.bad_frames().size());
  if (source.missing_at_end() > 0 && !summary.interrupted) {
    spdlog::warn("{}: the last {} of the frames it declares could not be decoded", source.name(),
                 source.missing_at_end());
  }
  if (decoded == 0 && !summary.interrupted &&
      (summary.bad_frames > 0 || source.missing_at_end() > 0)) {
    // Frames there were, but none decoded: a bad input, not a video without faces.
    throw InputError(fmt::format("video {}: none of its {} frames could be decoded", source.name(),
                                 summary.bad_frames + source.missing_at_end()));
  }
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

BatchOutcome finish_run(const DetectSummary& s) {
  const double rate = s.seconds > 0 ? s.frames / s.seconds : 0.0;
  spdlog::info(
      "{} item(s), {} failed ({} without a face); {} frame(s) analysed, {} face(s), {:.1f} "
      "frames/s{}",
      s.items, s.failed, s.no_face, s.frames, s.faces, rate,
      s.bad_frames ? fmt::format("; {} undecodable frame(s) skipped", s.bad_frames) : "");
  if (s.interrupted) {
    spdlog::warn("interrupted: the results above are complete up to there");
    return BatchOutcome::kInterrupted;
  }
  if (s.failed == 0) return s.bad_frames > 0 ? BatchOutcome::kPartial : BatchOutcome::kComplete;
  if (s.failed < s.items) return BatchOutcome::kPartial;
  return s.no_face == s.failed ? BatchOutcome::kNoneFound : BatchOutcome::kAllFailed;
}

}  // namespace emomusic::vision
