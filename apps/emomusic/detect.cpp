#include "detect.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <iostream>
#include <memory>
#include <opencv2/highgui.hpp>

#include "classifier_options.hpp"
#include "emomusic/core/error.hpp"
#include "emomusic/core/interrupt.hpp"
#include "emomusic/core/output_files.hpp"
#include "emomusic/core/shard.hpp"
#include "emomusic/core/text.hpp"
#include "emomusic/nn/classifier.hpp"
#include "emomusic/session/mood_record.hpp"
#include "emomusic/vision/face_detector.hpp"
#include "emomusic/vision/image_inputs.hpp"
#include "emomusic/vision/option_ranges.hpp"
#include "emomusic/vision/result_writer.hpp"
#include "exit_codes.hpp"
#include "ml_commands.hpp"
#include "named_option.hpp"
#include "option_range.hpp"
#include "shard_option.hpp"

namespace emomusic::app {

void setup_detect(CLI::App& app, Command& command) {
  auto o = std::make_shared<DetectOptions>();
  auto* sub = &app;
  add_description(
      app,
      "Exit codes: 0 ok, 2 bad option, 3 bad input file (or an output that is an input), "
      "4 bad model, 5 some images failed or video frames did not decode, 7 no face (or, "
      "with --once, no stable emotion within --timeout), 8 no camera, camera busy, no "
      "display for --show, or no face detector installed.");
  auto* camera = sub->add_option("--camera", o->camera, "Webcam number N (/dev/videoN)")
                     ->check(in_range(kCameraRange));
  auto* video = sub->add_option("--video", o->video, "Video file or stream URL");
  auto* image = sub->add_option("--image", o->images, "Image files; '-' reads one from stdin");
  auto* dir =
      sub->add_option("--dir", o->dirs, "Folders searched recursively for jpg/png/bmp/tiff/webp");
  camera->excludes(video, image, dir);
  video->excludes(image, dir);
  sub->add_option("--model", o->models,
                  "Emotion model (default: $EMOMUSIC_MODEL, else the shipped one); repeat it for "
                  "an ensemble that averages the models' probabilities");
  sub->add_option("--device", o->device, "cpu, cuda or cuda:N")->capture_default_str();
  add_named_option(*sub, "--tta", o->tta, nn::tta_names(),
                   "Test-time augmentation: " + join_names(nn::tta_names()) +
                       " (default: " + nn::to_string(vision::kStillImageTta) + " for images, " +
                       nn::to_string(vision::kStreamTta) + " for video and camera)");
  add_prior_power_option(*sub, o->prior_power);
  auto& detector = o->detector;
  add_named_option(*sub, "--detector", detector.kind, vision::detector_names(),
                   "Face detector: haar (reliable) or lbp (faster)");
  sub->add_option("--cascade", detector.cascade,
                  "OpenCV cascade XML file instead of the installed one");
  sub->add_option("--min-face", detector.min_face, "Smallest face looked for, in pixels")
      ->capture_default_str()
      ->check(in_range(vision::kMinFaceRange));
  sub->add_option("--detect-width", detector.detect_width,
                  "Shrink wider frames to this width for detection (0: never); faster")
      ->capture_default_str()
      ->check(in_range(vision::kDetectWidthRange));
  sub->add_option("--min-neighbors", detector.min_neighbors,
                  "Detector votes a face needs: higher, fewer false faces")
      ->capture_default_str()
      ->check(in_range(vision::kMinNeighborsRange));
  sub->add_option("--rescan-every", detector.rescan_every,
                  "In a video, search the whole frame every N analysed frames and only near "
                  "known faces in between (1: whole frame always)")
      ->capture_default_str()
      ->check(in_range(vision::kRescanEveryRange));
  add_face_margin_option(*sub, o->margin);
  auto& stream = o->stream;
  sub->add_option("--every", stream.every, "Analyse every Nth frame of a video or camera")
      ->capture_default_str()
      ->check(in_range(vision::kEveryRange));
  sub->add_option("--smoothing", stream.tracker.smoothing,
                  "Average each face's probabilities over about N analysed frames (1: none)")
      ->capture_default_str()
      ->check(in_range(vision::kSmoothingRange));
  sub->add_flag("--show", o->show, "Show a window with boxes, labels, bars and FPS (q/Esc quits)");
  sub->add_option("-o,--output", stream.output,
                  "Write the annotated image (a folder for several) or video (.avi, .mp4)");
  sub->add_flag("--once", stream.once,
                "Print the first stable emotion and exit (for mood=$(emomusic detect --camera 0 "
                "--once))");
  sub->add_option("--stable-seconds", stream.stability.seconds,
                  "--once: how long the emotion must hold")
      ->capture_default_str()
      ->check(in_range(vision::kStableSecondsRange));
  sub->add_option("--stable-confidence", stream.stability.confidence,
                  "--once: smoothed probability it must keep")
      ->capture_default_str()
      ->check(in_range(vision::kStableConfidenceRange));
  sub->add_option("--timeout", stream.timeout_s, "--once: give up after this many seconds")
      ->capture_default_str()
      ->check(in_range(vision::kTimeoutRange));
  auto* history_db = sub->add_option(
      "--history-db", o->history_db,
      "--once: mood history file the settled mood is recorded in, with its source (default: "
      "$XDG_DATA_HOME/emomusic/history.db)");
  sub->add_flag("--no-history", o->no_history, "--once: do not record the settled mood")
      ->excludes(history_db);
  add_named_option(*sub, "-f,--format", o->format, vision::output_format_names(),
                   "Output on stdout: " + join_names(vision::output_format_names()));
  add_shard_option(
      *sub, o->shard,
      "I/N: analyse only the I-th of N equal runs of consecutive images (from 0; "
      "--dir lists are sorted), for a job array; the shards' jsonl outputs join by cat")
      ->excludes(camera)
      ->excludes(video);
  sub->footer(
      "Examples:\n"
      "  emomusic detect --image photo.jpg                    # one line per face\n"
      "  emomusic detect --dir ~/Pictures --format csv > faces.csv\n"
      "  emomusic detect --video clip.mp4 --format jsonl --every 3\n"
      "  emomusic detect --camera 0 --show                    # live window (q quits)\n"
      "  mood=$(emomusic detect --camera 0 --once) && emomusic recommend --emotion \"$mood\"");
  sub->callback([o, &command] { command = [o] { return run_detect(*o); }; });
}

int run_detect(const DetectOptions& o) {
  using namespace emomusic::vision;
  const bool stills = !o.images.empty() || !o.dirs.empty();
  install_interrupt_handlers();  // Ctrl-C ends the output properly (JSON closed, video kept)
  if (o.camera < 0 && o.video.empty() && !stills) {
    throw UsageError("detect needs an input: --camera N, --video FILE|URL, --image FILE… or --dir");
  }
  if (stills && (o.stream.once || o.show)) {
    throw UsageError("--once and --show watch a --camera or --video; for images use --output");
  }
  if (o.show) {
    with_hint<UnavailableError>("for --show; --output FILE saves the frames instead",
                                [] { require_display(); });
  }
  FaceDetector detector = o.detector.cascade.empty() ? with_hint<UnavailableError>(
                                                           "--cascade FILE names one",
                                                           [&] { return FaceDetector(o.detector); })
                                                     : FaceDetector(o.detector);
  FaceClassifierOptions c = with_hint<ModelError>("--model FILE names one", [&] {
    return default_classifier_options(stills ? InputKind::kStill : InputKind::kStream, o.models,
                                      o.tta);
  });
  c.device = o.device;
  c.prior_power = o.prior_power;
  // The model and cascade files are inputs too (the library checks the images and the video).
  std::vector<std::filesystem::path> inputs = c.models;
  inputs.emplace_back(o.detector.cascade);
  InputFiles(inputs).refuse(o.stream.output);

  if (stills) {
    std::vector<std::filesystem::path> images(o.images.begin(), o.images.end());
    if (std::count(images.begin(), images.end(), "-") > 1) {
      throw UsageError("standard input ('-') can be read only once");
    }
    for (const auto& folder : o.dirs) {
      const auto found = list_images(folder);
      if (found.empty()) spdlog::warn("no images in {}", folder);
      images.insert(images.end(), found.begin(), found.end());
    }
    if (images.empty()) throw InputError("no images to analyse in the given folders");
    images = take_shard(images, o.shard);
    EmotionPipeline pipeline(std::move(detector), FaceClassifier(c), o.margin);
    ResultWriter writer(std::cout, o.format);
    return exit_code(
        finish_run(analyse_images(pipeline, images, writer, o.stream.output, interrupt_token())));
  }

  // The camera or video is opened before the model is loaded, so a missing one fails fast.
  VideoSource source = o.camera >= 0 ? VideoSource::camera(o.camera) : VideoSource::open(o.video);
  EmotionPipeline pipeline(std::move(detector), FaceClassifier(c), o.margin);
  StreamOptions s = o.stream;
  // The window is the front end's: the library hands over each annotated frame.
  constexpr const char* kWindow = "emomusic detect";
  if (o.show) {
    cv::namedWindow(kWindow, cv::WINDOW_AUTOSIZE);
    s.on_frame = [kWindow](const cv::Mat& annotated) {
      cv::imshow(kWindow, annotated);
      const int key = cv::waitKey(1);
      return key != 'q' && key != 27;  // q or Esc
    };
  }
  s.cancel = interrupt_token();
  if (s.once) {
    const auto summary = analyse_stream(pipeline, source, s, nullptr);
    // Recorded before it is printed: a mood that detect reports is in the history.
    if (!o.no_history) {
      const std::string label = o.camera >= 0 ? "camera " + std::to_string(o.camera)
                                              : std::filesystem::path(o.video).filename().string();
      session::record_settled_mood(std::filesystem::path(o.history_db), *summary.settled,
                                   summary.settled_confidence, label);
    }
    std::cout << to_string(*summary.settled) << std::endl;
    return static_cast<int>(ExitCode::kOk);
  }
  ResultWriter writer(std::cout, o.format);
  return exit_code(finish_run(analyse_stream(pipeline, source, s, &writer)));
}

}  // namespace emomusic::app
