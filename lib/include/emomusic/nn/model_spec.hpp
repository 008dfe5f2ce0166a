#pragma once
/// @file
/// What a model file says about itself: architecture and its parameters, class names, input
/// preprocessing. Stored as JSON strings in the safetensors "__metadata__".

#include <array>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "emomusic/core/emotion.hpp"

namespace emomusic::nn {

/// Architecture and its hyper-parameters.
struct ArchSpec {
  /// "baseline": the seeds' CNN (conv 32-64-128-128, dense 1024, dropout; ~2.3M parameters).
  /// "vgg": VGG-style stages of conv+batch-norm+ReLU, width and depth configurable.
  /// "resnet": stages of residual blocks (two 3×3 conv+batch-norm each), global average pooling.
  std::string name = "vgg";
  std::vector<int> channels = {32, 64, 128, 256};  ///< vgg, resnet: output channels per stage
  /// vgg, resnet: 3×3 convolutions per stage (resnet: an even number, two a residual block)
  int convs_per_stage = 2;
  int hidden = 256;      ///< vgg, resnet: width of the hidden dense layer (0: none)
  double dropout = 0.4;  ///< before the classifier layer(s)
};

/// The smallest normalisation std a model may have: below it, division blows faces up to NaN or
/// infinity (constant training images have std 0).
inline constexpr double kMinInputStd = 0.001;

/// Contrast normalisation of each face before the network. Histogram equalisation spreads a
/// face's grey levels over the whole range, so a dim webcam face and a bright studio face reach
/// the network alike; a model trained with it must be fed with it, hence it lives in InputSpec.
enum class Equalize { kNone, kHistogram };
/// The names of Equalize's values, in its order: "none", "histogram".
const std::vector<std::string>& equalize_names();
/// A name of equalize_names(); throws UsageError naming the value otherwise.
Equalize parse_equalize(const std::string& name);
std::string to_string(Equalize equalize);

/// How a face must be prepared before it enters the network; training and inference share it.
struct InputSpec {
  int size = 48;  ///< square side in pixels (grayscale); 16..512 (nn/network.hpp)
  /// Applied to the uint8 face before mean/std; model files without the field have none.
  Equalize equalize = Equalize::kNone;
  double mean = 0.5;  ///< of pixel/255 over the training images; a model file's is in [0, 1]
  double std = 0.25;  ///< of pixel/255 over the training images; a model file's is in [0.001, 1]
};

struct ModelSpec {
  ArchSpec arch;
  InputSpec input;
  std::vector<std::string> classes;  ///< in output order
};

/// Names of the architectures make_network() knows.
const std::vector<std::string>& architecture_names();

/// The output column of each of the 7 emotions (in label order) for a model listing `classes`.
/// Throws ModelError naming `source` unless the classes are exactly the 7 emotions (any order,
/// names as parse_emotion() reads them), so that no caller mislabels a column.
std::array<int, kEmotionCount> emotion_columns(const std::vector<std::string>& classes,
                                               const std::string& source);

/// The JSON forms in model files. Integer fields must be JSON integers (nlohmann type_error
/// otherwise); values outside int saturate, for the network bounds to reject.
void to_json(nlohmann::json& j, const ArchSpec& a);
void from_json(const nlohmann::json& j, ArchSpec& a);
void to_json(nlohmann::json& j, const InputSpec& s);
void from_json(const nlohmann::json& j, InputSpec& s);

}  // namespace emomusic::nn
