#pragma once
// The seeds' baseline CNN (Keras-style, valid padding): conv 32-64-pool-128-pool-128-pool,
// dense 1024, dropout. ~2.3M parameters at 48×48.

#include "emomusic/nn/network.hpp"

namespace emomusic::nn {

/// Side of the feature map before flattening for a square input of `input_size` pixels; 0 when
/// the input is too small (network.cpp checks it before anything is built).
int baseline_feature_side(int input_size);

class BaselineCnnImpl : public EmotionNetImpl {
 public:
  BaselineCnnImpl(const ArchSpec& arch, int input_size, int num_classes);
  torch::Tensor forward(torch::Tensor x) override;

 private:
  torch::nn::Sequential features_{nullptr};
  torch::nn::Sequential classifier_{nullptr};
};

}  // namespace emomusic::nn
