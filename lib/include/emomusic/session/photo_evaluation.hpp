#pragma once
/// @file
/// The whole pipeline measured on labelled photographs: find the face, classify it, compare with
/// the label. FER2013's accuracy is that of registered 48×48 crops; this is the accuracy on what
/// users point a camera at (framing by the face detector, lighting, other people than FER2013's).

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "emomusic/core/emotion.hpp"
#include "emomusic/core/error.hpp"
#include "emomusic/train/metrics.hpp"
#include "emomusic/vision/emotion_pipeline.hpp"

namespace emomusic::session {

struct LabelledPhoto {
  std::filesystem::path path;
  Emotion label = Emotion::kNeutral;
  int line = 0;  ///< of the labels file, for messages
};

/// A labels file: CSV lines `path,label`, an optional header line (`path,label`), paths relative
/// to the file's folder (or absolute), labels as emotion names or digits 0–6 (parse_emotion()).
/// Throws InputError naming file and line for a line without a comma, an unknown label, or a file
/// that cannot be read or lists no photo.
std::vector<LabelledPhoto> read_labelled_photos(const std::filesystem::path& labels_file);

struct PhotoEvaluation {
  train::Metrics metrics;  ///< over the photos in which a face was found (the largest one)
  int photos = 0;          ///< listed
  int without_face = 0;    ///< read, but no face found: not in `metrics`
  /// "file: what went wrong" for each photo that could not be read (not in `metrics`).
  std::vector<std::string> failures;

  /// metrics.to_json() with "photos", "without_face" and "failures" added.
  nlohmann::json to_json() const;
  /// metrics.to_text() after a line counting the photos, faces found and failures.
  std::string to_text() const;
  /// As for other batches: kAllFailed when no photo could be read, kNoneFound when none held a
  /// face, kPartial when some could not be read, else kComplete.
  BatchOutcome outcome() const;
};

/// Runs every photo through `pipeline` (detect, crop, classify) and measures the largest face's
/// emotion against the label. A photo that cannot be read is reported in `failures` and the rest
/// go on. `show_progress`: a bar (or lines) on stderr.
PhotoEvaluation evaluate_photos(vision::EmotionPipeline& pipeline,
                                const std::vector<LabelledPhoto>& photos,
                                bool show_progress = false);

}  // namespace emomusic::session
