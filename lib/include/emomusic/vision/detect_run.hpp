#pragma once
/// @file
/// The `detect` runs: a batch of still images, or a video/camera stream with tracking, display,
/// annotated output and --once.

#include <filesystem>
#include <functional>
#include <optional>
#include <vector>

#include "emomusic/core/cancel.hpp"
#include "emomusic/core/error.hpp"
#include "emomusic/vision/emotion_pipeline.hpp"
#include "emomusic/vision/face_tracker.hpp"
#include "emomusic/vision/option_ranges.hpp"
#include "emomusic/vision/result_writer.hpp"
#include "emomusic/vision/video_source.hpp"

namespace emomusic::vision {

struct StreamOptions {
  int every = 1;  ///< analyse every Nth frame (annotated output keeps all)
  /// Called with every frame, annotated (boxes, labels, bars, FPS), e.g. to show it in a window
  /// the front end owns; returning false ends the stream. Empty: frames are only annotated for
  /// `output`.
  std::function<bool(const cv::Mat& annotated)> on_frame;
  std::filesystem::path output;  ///< annotated video; empty: frames are not stored
  TrackerOptions tracker;
  /// Stop at the first face whose smoothed emotion is stable (StabilityOptions) and return it,
  /// instead of writing per-frame results.
  bool once = false;
  StabilityOptions stability;
  double timeout_s = kDefaultSettleTimeout;  ///< with `once`: give up after this many seconds
  /// Checked before every frame; once cancelled, the stream ends as if the video had
  /// (DetectSummary::interrupted). Copies of the options share it.
  CancelToken cancel;
};

struct DetectSummary {
  int items = 0;                   ///< images, or 1 for a stream
  int failed = 0;                  ///< items that could not be read or held no face
  int no_face = 0;                 ///< of those, the ones that were read but held no face
  std::int64_t frames = 0;         ///< frames analysed
  std::int64_t faces = 0;          ///< faces found in them
  double seconds = 0;              ///< wall-clock time of the run
  std::optional<Emotion> settled;  ///< the result of a run that stops at the first settled mood
  double settled_confidence = 0;   ///< its smoothed probability (settled_confidence())
  bool interrupted = false;        ///< stopped early by its CancelToken (e.g. Ctrl-C)
  std::int64_t bad_frames = 0;     ///< video frames skipped because they did not decode
};

/// How sure a settled `emotion` is, from the frame's smoothed `faces` (FaceTracker::update()):
/// its probability on the first face (lowest track) that shows it, as
/// FaceTracker::stable_emotion() picks the first stable track; 0 when no face shows it.
double settled_confidence(const std::vector<FaceEmotion>& faces, Emotion emotion);

/// Where analyse_images() writes the annotated copy of each image: `output` itself for one image
/// (unless it is an existing folder), else `output`/NAME where NAME is the image's file name, or
/// NAME-2, NAME-3, … (before the extension) when an earlier image took it ("-" is stdin.png; an
/// extension OpenCV cannot write in colour, such as .pgm, becomes .png). Empty when `output` is.
/// Throws InputError when `output`, or any of these paths, is one of the images (compared by real
/// path and by inode, so links count too), or when several images would go to an existing file;
/// UsageError when a single `output` file has no image extension.
std::vector<std::filesystem::path> annotated_image_paths(
    const std::vector<std::filesystem::path>& images, const std::filesystem::path& output);

/// Analyses images one by one; each unreadable image or image without a face is logged to stderr
/// and counted, and the rest go on. `output`: annotated copies (a file for one image, a folder for
/// several; annotated_image_paths(), whose InputError comes before any image is read); empty:
/// none. `cancel` is checked before every image; once cancelled, the batch ends there
/// (DetectSummary::interrupted) with its output finished.
DetectSummary analyse_images(EmotionPipeline& pipeline,
                             const std::vector<std::filesystem::path>& images, ResultWriter& writer,
                             const std::filesystem::path& output = {},
                             const CancelToken& cancel = {});

/// Analyses a stream until it ends, on_frame returns false, `options.cancel` is cancelled, or
/// (with `once`) an emotion settles. Frames that do not decode are logged, skipped and counted in
/// `bad_frames`. Throws InputError when `options.output` is the video being read (or a link to
/// it), or when the video declares frames but none of them decodes. `writer` may be null with
/// `once`. With `once`, throws NotFoundError when no face appears, or none settles, within the
/// timeout or before the stream ends, and InterruptedError when cancelled first. Output is
/// finished either way.
DetectSummary analyse_stream(EmotionPipeline& pipeline, VideoSource& source,
                             const StreamOptions& options, ResultWriter* writer);

/// Throws UnavailableError when there is no display to show a window on (checked before any
/// model or camera is opened).
void require_display();

/// Logs the summary on stderr and says how the run ended: kInterrupted when it was stopped
/// early, else kComplete when no item failed and no frame was skipped, kPartial when some items
/// failed or frames were skipped, and when all items failed kNoneFound (none held a face) or
/// kAllFailed (some were unreadable).
BatchOutcome finish_run(const DetectSummary& summary);

}  // namespace emomusic::vision
