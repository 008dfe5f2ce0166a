#pragma once
/// @file
/// Emotion probabilities for face crops, over nn::EmotionClassifier. The only place in the vision
/// area that touches LibTorch, so that the rest compiles without its headers.

#include <filesystem>
#include <memory>
#include <opencv2/core.hpp>
#include <optional>
#include <string>
#include <vector>

#include "emomusic/nn/class_prior.hpp"
#include "emomusic/nn/tta.hpp"
#include "emomusic/vision/face_emotion.hpp"

namespace emomusic::vision {

/// The test-time augmentation detect uses when none is asked for. Still images get ten crops:
/// on the taiwanese-dev photographs they add 2–4 points (docs/vision.md) for about 10× the
/// network's time (some 30 ms a face on one core), nothing next to reading a photo. Video and
/// camera frames get none: real time comes first there.
inline constexpr nn::Tta kStillImageTta = nn::Tta::kTenCrop;
inline constexpr nn::Tta kStreamTta = nn::Tta::kNone;

struct FaceClassifierOptions {
  /// Empty: the default model (core/paths.hpp); more than one: an ensemble (nn/classifier.hpp).
  std::vector<std::filesystem::path> models;
  /// cpu, cuda, cuda:N: a string because N is open, read and checked by nn::parse_device() alone.
  std::string device = "cpu";
  nn::Tta tta = nn::Tta::kNone;
  /// Logit adjustment τ: divide out the training class prior to this power (nn/class_prior.hpp).
  double prior_power = nn::kDefaultPriorPower;
};

/// What is being classified: still photos (offline work) or video and camera frames (real time).
enum class InputKind { kStill, kStream };

/// The classifier options for `kind`, where the user's choices (`models`, `tta`) are not given:
/// the default model (core/paths.hpp, default_model_path()), with kStillImageTta for photos and
/// kStreamTta for streams. Throws ModelError when no model is given and none is shipped.
FaceClassifierOptions default_classifier_options(InputKind kind,
                                                 std::vector<std::filesystem::path> models = {},
                                                 std::optional<nn::Tta> tta = std::nullopt);

class FaceClassifier {
 public:
  /// Loads the model; throws ModelError when it is missing, invalid, or its classes are not the 7
  /// emotions.
  explicit FaceClassifier(const FaceClassifierOptions& options);
  ~FaceClassifier();
  FaceClassifier(FaceClassifier&&) noexcept;
  FaceClassifier& operator=(FaceClassifier&&) noexcept;

  /// Side of the square grayscale crops the model takes.
  int input_size() const;

  /// One batch through the network: 8-bit grayscale crops of input_size()² (crop_face()) →
  /// probabilities per face. Throws std::invalid_argument for a crop of another size or type.
  std::vector<EmotionProbabilities> classify(const std::vector<cv::Mat>& faces);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace emomusic::vision
