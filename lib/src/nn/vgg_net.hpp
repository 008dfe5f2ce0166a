#pragma once
// VGG-style network with batch norm (the family of the best single FER2013 networks, e.g.
// Khaireddin & Chen 2021): stages of 3×3 conv+BN+ReLU followed by 2×2 max-pooling, then a small
// dense head. Width (channels per stage) and depth (convs per stage) are parameters.

#include <vector>

#include "emomusic/nn/network.hpp"

namespace emomusic::nn {

class VggNetImpl : public EmotionNetImpl {
 public:
  VggNetImpl(const ArchSpec& arch, int input_size, int num_classes);
  torch::Tensor forward(torch::Tensor x) override;
  void fold_batchnorm() override;

 private:
  std::vector<torch::nn::Conv2d> convs_;
  std::vector<torch::nn::BatchNorm2d> norms_;
  std::vector<int> pool_after_;  // index of the conv after which a stage ends
  torch::nn::Sequential head_{nullptr};
  bool folded_ = false;
};

}  // namespace emomusic::nn
