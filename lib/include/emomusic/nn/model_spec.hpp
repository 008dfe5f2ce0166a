#pragma once
/// @file
/// What a model file says about itself: architecture and its parameters, class names, input
/// preprocessing. Stored as JSON strings in the safetensors "__metadata__".

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace emomusic::nn {

/// Architecture and its hyper-parameters.
struct ArchSpec {
  /// "baseline": the seeds' CNN (conv 32-64-128-128, dense 1024, dropout; ~2.3M parameters).
  /// "vgg": VGG-style stages of conv+batch-norm+ReLU, width and depth configurable.
  std::string name = "vgg";
  std::vector<int> channels = {32, 64, 128, 256};  ///< vgg: output channels per stage
  int convs_per_stage = 2;                         ///< vgg: 3×3 convolutions per stage
  int hidden = 256;                                ///< vgg: width of the hidden dense layer
  double dropout = 0.4;                            ///< before the classifier layer(s)
};

/// How a face must be prepared before it enters the network; training and inference share it.
struct InputSpec {
  int size = 48;      ///< square side in pixels (grayscale)
  double mean = 0.5;  ///< of pixel/255 over the training images
  double std = 0.25;  ///< of pixel/255 over the training images
};

struct ModelSpec {
  ArchSpec arch;
  InputSpec input;
  std::vector<std::string> classes;  ///< in output order
};

/// Names of the architectures make_network() knows.
const std::vector<std::string>& architecture_names();

void to_json(nlohmann::json& j, const ArchSpec& a);
void from_json(const nlohmann::json& j, ArchSpec& a);
void to_json(nlohmann::json& j, const InputSpec& s);
void from_json(const nlohmann::json& j, InputSpec& s);

}  // namespace emomusic::nn
