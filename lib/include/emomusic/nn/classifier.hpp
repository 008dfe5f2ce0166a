#pragma once
/// @file
/// Face → emotion probabilities, behind an interface so that another backend (e.g. ONNX) can be
/// added without touching callers. Callers hand over grayscale faces already cropped and resized
/// to input_size(); normalisation and test-time augmentation happen here.

#include <torch/torch.h>

#include <filesystem>
#include <memory>
#include <string>

#include "emomusic/nn/model_spec.hpp"

namespace emomusic::nn {

/// Test-time augmentation: none; average with the mirror image; ten crops (4 corners + centre,
/// each also mirrored) resized back to the input size.
enum class Tta { kNone, kFlip, kTenCrop };
Tta parse_tta(const std::string& name);  ///< "none", "flip", "tencrop"; throws UsageError
std::string to_string(Tta tta);

struct ClassifierOptions {
  std::filesystem::path model;  ///< empty: the default model (core/paths.hpp)
  std::string device = "cpu";
  Tta tta = Tta::kNone;
  /// Fold batch norm into the convolutions: same outputs (to float rounding), faster.
  bool fold_batchnorm = true;
};

class EmotionClassifier {
 public:
  virtual ~EmotionClassifier() = default;
  /// uint8 faces [N,S,S] with S == input_size() → probabilities [N, classes] (float, CPU).
  virtual torch::Tensor predict(const torch::Tensor& faces_u8) = 0;
  virtual const ModelSpec& spec() const = 0;
  int input_size() const { return spec().input.size; }
};

/// Loads the model named in `options`; throws ModelError for a missing or invalid file.
std::unique_ptr<EmotionClassifier> make_classifier(const ClassifierOptions& options);

/// Logits of `net` for normalised input `x` [N,1,S,S], averaged over the TTA views (as logits
/// averaged after softmax: returns log of mean probability). Shared by eval and the classifier.
torch::Tensor tta_log_probabilities(class EmotionNetImpl& net, const torch::Tensor& x, Tta tta);

}  // namespace emomusic::nn
