#pragma once
/// @file
/// "A photo or a camera → the listener's mood": the one step a front end takes before it asks
/// the Recommender for music when the listener shows their face rather than naming an emotion.

#include <filesystem>
#include <string>

#include "emomusic/core/cancel.hpp"
#include "emomusic/core/emotion.hpp"
#include "emomusic/vision/face_classifier.hpp"

namespace emomusic::session {

/// The mood read, and where from.
struct ListenerMood {
  Emotion emotion = Emotion::kNeutral;
  double confidence = 0.0;  ///< the probability of `emotion` (a camera's: smoothed)
  /// "camera N" or the photo's file name ("standard input" for "-"): the history's source label.
  std::string source;
  int faces = 1;  ///< faces seen in the photo (the largest is the listener's); 1 for a camera
};

/// The emotion of the largest face in `photo` ("-": standard input): faces come largest first,
/// and the nearest person is the listener. The photo is read before the model is loaded, so that
/// a missing one fails at once (InputError). Throws ModelError for a bad model and NotFoundError
/// when the photo holds no face. `classifier` is used as given (see
/// vision::default_classifier_options()).
ListenerMood mood_from_photo(const std::filesystem::path& photo,
                             const vision::FaceClassifierOptions& classifier);

/// Watches camera `camera` until one face's emotion settles (vision::StabilityOptions, as
/// `detect --once`). The camera is opened before the model is loaded (UnavailableError when it
/// cannot be). Throws NotFoundError when no emotion settles within `timeout_s` seconds and
/// InterruptedError when `cancel` is cancelled first.
ListenerMood mood_from_camera(int camera, const vision::FaceClassifierOptions& classifier,
                              double timeout_s, const CancelToken& cancel = {});

}  // namespace emomusic::session
