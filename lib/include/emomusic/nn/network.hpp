#pragma once
/// @file
/// The emotion networks: a common interface over the architectures, and the factory.

#include <torch/torch.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "emomusic/nn/model_spec.hpp"

namespace emomusic::nn {

/// Input [N,1,S,S] normalised floats → logits [N,classes].
class EmotionNetImpl : public torch::nn::Module {
 public:
  virtual torch::Tensor forward(torch::Tensor x) = 0;
  /// Folds batch-norm into the preceding convolutions for faster inference. Irreversible; only for
  /// a network that will not be trained again. Default: nothing to fold.
  virtual void fold_batchnorm() {}
};
using EmotionNet = std::shared_ptr<EmotionNetImpl>;

/// Bounds on what make_network() builds. A model file is untrusted input: without them its
/// metadata could ask for a network of gigabytes before a single tensor is compared. They are far
/// above any sensible face classifier (the shipped one has ~2M parameters at 48 px).
inline constexpr int kMinInputSize = 16;
inline constexpr int kMaxInputSize = 512;
inline constexpr int kMaxStages = 8;          ///< vgg, resnet: entries in `channels`
inline constexpr int kMaxChannels = 2048;     ///< vgg, resnet: per stage
inline constexpr int kMaxConvsPerStage = 16;  ///< vgg, resnet
inline constexpr int kMaxHidden = 8192;       ///< vgg, resnet: hidden dense layer (0: none)
inline constexpr int kMaxClasses = 1000;
inline constexpr std::int64_t kMaxParameters = 100'000'000;  ///< weights + buffers, all layers

/// One tensor a network holds: safetensors dtype name ("F32", "I64") and shape.
struct TensorSpec {
  std::string dtype;
  std::vector<std::int64_t> shape;
  bool operator==(const TensorSpec& o) const { return dtype == o.dtype && shape == o.shape; }
};

/// Throws UsageError naming the field unless `arch` is a known architecture whose parameters are
/// within the bounds above; what depends on the input size is network_tensor_specs()'s to check.
/// Cheap: a run checks its architecture with it before loading its data.
void check_architecture(const ArchSpec& arch);

/// The parameters and buffers, by module name, that make_network() would create, worked out
/// without building anything (so a model file can be checked against them cheaply). Throws
/// UsageError for an unknown architecture or parameters outside the bounds above.
std::map<std::string, TensorSpec> network_tensor_specs(const ArchSpec& arch, int input_size,
                                                       int num_classes);

/// Builds an untrained network; throws UsageError for an unknown architecture or bad parameters
/// (network_tensor_specs()).
EmotionNet make_network(const ArchSpec& arch, int input_size, int num_classes);

/// Number of trainable parameters.
std::int64_t count_parameters(torch::nn::Module& module);

}  // namespace emomusic::nn
