#pragma once
/// @file
/// The emotion networks: a common interface over the architectures, and the factory.

#include <torch/torch.h>

#include <memory>

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

/// Builds an untrained network; throws UsageError for an unknown architecture or bad parameters.
EmotionNet make_network(const ArchSpec& arch, int input_size, int num_classes);

/// Number of trainable parameters.
std::int64_t count_parameters(torch::nn::Module& module);

}  // namespace emomusic::nn
