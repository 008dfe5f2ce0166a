#pragma once
// The seeds' baseline CNN (Keras-style, valid padding): conv 32-64-pool-128-pool-128-pool,
// dense 1024, dropout. ~2.3M parameters at 48×48.

#include "emomusic/nn/network.hpp"

namespace emomusic::nn {

class BaselineCnnImpl : public EmotionNetImpl {
 public:
  BaselineCnnImpl(const ArchSpec& arch, int input_size, int num_classes);
  torch::Tensor forward(torch::Tensor x) override;

 private:
  torch::nn::Sequential features_{nullptr};
  torch::nn::Sequential classifier_{nullptr};
};

}  // namespace emomusic::nn
