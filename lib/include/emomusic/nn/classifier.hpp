#pragma once
/// @file
/// Face → emotion probabilities, behind an interface so that another backend (e.g. ONNX) can be
/// added without touching callers. Callers hand over grayscale faces already cropped and resized
/// to input_size(); normalisation and test-time augmentation happen here.

#include <torch/torch.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "emomusic/nn/class_prior.hpp"
#include "emomusic/nn/model_spec.hpp"
#include "emomusic/nn/tta.hpp"

namespace emomusic::nn {

struct ClassifierOptions {
  /// Empty: the default model (core/paths.hpp). More than one: an ensemble whose probabilities
  /// are the mean of its members' (each with its own preprocessing and TTA); the members must
  /// share the input size and the class list.
  std::vector<std::filesystem::path> models;
  std::string device = "cpu";
  Tta tta = Tta::kNone;
  /// Fold batch norm into the convolutions: same outputs (to float rounding), faster.
  bool fold_batchnorm = true;
  /// Logit adjustment τ (nn/class_prior.hpp): the probabilities are divided by the training
  /// class frequencies to this power and renormalised. 0 leaves them as the network gives them;
  /// an ensemble divides its mean by the mean of its members' frequencies.
  double prior_power = kDefaultPriorPower;
};

class EmotionClassifier {
 public:
  virtual ~EmotionClassifier() = default;
  /// uint8 faces [N,S,S] with S == input_size() → probabilities [N, classes] (float, CPU).
  virtual torch::Tensor predict(const torch::Tensor& faces_u8) = 0;
  virtual const ModelSpec& spec() const = 0;
  int input_size() const { return spec().input.size; }
};

/// Loads the model(s) named in `options`; throws ModelError for a missing or invalid file, or for
/// ensemble members that disagree on input size or classes (or, with a prior power, whose classes
/// are not the 7 emotions), and UsageError for a prior power out of range.
std::unique_ptr<EmotionClassifier> make_classifier(const ClassifierOptions& options);

/// How messages name `models`: "the default model", a file name, or "a.safetensors +
/// b.safetensors".
std::string describe_models(const std::vector<std::filesystem::path>& models);

/// `probabilities` [N,C] divided column by column by `frequencies`^`power` and renormalised so
/// that each row sums to 1 (logit adjustment: log p − τ·log f). `power` 0 returns them unchanged.
torch::Tensor adjust_for_prior(const torch::Tensor& probabilities,
                               const std::vector<double>& frequencies, double power);

/// Logits of `net` for normalised input `x` [N,1,S,S], averaged over the TTA views (as logits
/// averaged after softmax: returns log of mean probability). Shared by eval and the classifier.
torch::Tensor tta_log_probabilities(class EmotionNetImpl& net, const torch::Tensor& x, Tta tta);

}  // namespace emomusic::nn
