#pragma once
/// @file
/// "Image bytes → faces → a settled mood", for front ends that receive frames one by one (the web
/// page): decoding an untrusted upload, one shared classifier, and per-session smoothing with the
/// same tracker and stability rule as `detect --once`.
///
/// Thread safety: FaceAnalyzer::analyse() may be called from several threads at once; decoding
/// runs in parallel, detection and classification run one call at a time under one mutex (one
/// model in memory, and LibTorch's intra-op threads already use the cores for a single batch).
/// MoodSessions is safe to call from several threads as well (one mutex over all sessions).

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "emomusic/session/web_limits.hpp"
#include "emomusic/vision/emotion_pipeline.hpp"
#include "emomusic/vision/face_emotion.hpp"
#include "emomusic/vision/face_tracker.hpp"

namespace emomusic::session {

class FaceAnalyzer {
 public:
  /// Loads the model(s) (throws ModelError) and the Haar cascade.
  explicit FaceAnalyzer(const vision::FaceClassifierOptions& classifier);

  /// Faces in encoded image bytes (JPEG, PNG, …), largest first. `name` names the image in
  /// errors. Throws InputError for empty bytes, more than kMaxUploadBytes, bytes that are not an
  /// image, an image of more than kMaxUploadPixels (read from its header, before decoding) or one
  /// vision::decode_image() refuses (truncated, corrupt). The bytes are never written anywhere.
  /// At most kMaxDecodesAtOnce calls decode at a time; the others wait for their turn.
  /// With `near` given, faces are looked for only near those boxes of the previous frame
  /// (vision::EmotionPipeline::analyse_near()), which is several times cheaper.
  std::vector<vision::FaceEmotion> analyse(const std::string& bytes, const std::string& name,
                                           const std::vector<cv::Rect>& near = {});

  /// The detector's rescan interval (vision::DetectorOptions::rescan_every).
  int rescan_every() const;

 private:
  cv::Mat decode(const std::string& bytes, const std::string& name);

  std::mutex mutex_;
  vision::EmotionPipeline pipeline_;
  std::mutex decode_mutex_;
  std::condition_variable decode_done_;
  int decoding_ = 0;  ///< decodes running now, at most kMaxDecodesAtOnce
};

/// A mood that stayed stable (StabilityOptions) in a session.
struct SettledMood {
  Emotion emotion = Emotion::kNeutral;
  double confidence = 0.0;  ///< the smoothed probability of `emotion`
  /// True the first time this emotion settles in the session (after another or none): the
  /// moment to record it in the mood history.
  bool changed = false;
};

/// One frame's answer: the smoothed faces and, once it holds, the settled mood.
struct FrameAnalysis {
  std::vector<vision::FaceEmotion> faces;  ///< smoothed probabilities, `track` set
  std::optional<SettledMood> settled;
};

/// {"faces": [{"box", "emotion", "confidence", "probabilities", "track"}…], "settled": null or
/// {"emotion", "confidence"}}; each face as `detect --format json` writes it, plus its
/// confidence (the probability of its emotion).
nlohmann::ordered_json to_json(const FrameAnalysis& analysis);

/// Per-session FaceTrackers keyed by a client-chosen id, at most `max_sessions` of them; a new
/// session beyond that replaces the least recently used one.
class MoodSessions {
 public:
  explicit MoodSessions(std::size_t max_sessions = 16, vision::TrackerOptions tracker = {},
                        vision::StabilityOptions stability = {});

  /// Feeds one frame's faces to the session `id` (created when new), timed by the steady clock.
  FrameAnalysis update(const std::string& id, std::vector<vision::FaceEmotion> faces);

  /// One frame of the session `id` through `analyzer`, then update(). As `detect` does with a
  /// stream, the whole frame is searched every analyzer.rescan_every() frames and whenever the
  /// session follows no face; in between only near the faces of its previous frame. Throws what
  /// FaceAnalyzer::analyse() throws, leaving the session as it was.
  FrameAnalysis analyse(const std::string& id, FaceAnalyzer& analyzer, const std::string& bytes,
                        const std::string& name);

  std::size_t size() const;

 private:
  struct Session {
    vision::FaceTracker tracker;
    std::chrono::steady_clock::time_point started;
    std::uint64_t last_used = 0;
    std::optional<Emotion> last_settled;
    std::vector<cv::Rect> boxes;  ///< the faces of the last frame
    vision::RescanSchedule rescan;
  };
  Session& session(const std::string& id);
  FrameAnalysis update(const std::string& id, std::vector<vision::FaceEmotion> faces,
                       bool whole_frame);

  mutable std::mutex mutex_;
  std::size_t max_sessions_;
  vision::TrackerOptions tracker_;
  vision::StabilityOptions stability_;
  std::vector<std::pair<std::string, std::unique_ptr<Session>>> sessions_;
  std::uint64_t clock_ = 0;
};

}  // namespace emomusic::session
