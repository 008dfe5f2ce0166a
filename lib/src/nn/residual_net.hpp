#pragma once
// A residual network (He et al. 2016, "Deep residual learning") adapted to small grey faces: a
// 3×3 stem, then stages of basic blocks (two 3×3 conv+BN, and an identity shortcut, or a 1×1
// projection where the shape changes), global average pooling, and the dense head the VGG uses.
// Every stage halves the side in its first block, as the VGG's pooling does after each stage, so
// that a residual network costs about what the VGG of the same widths costs (ResNet's own stem
// quarters a 224-pixel image at once; a 48-pixel face has no pixels to spare).

#include <vector>

#include "emomusic/nn/network.hpp"

namespace emomusic::nn {

class ResidualBlockImpl : public torch::nn::Module {
 public:
  ResidualBlockImpl(int in, int out, int stride);
  torch::Tensor forward(torch::Tensor x, bool folded);
  void fold_batchnorm();

 private:
  torch::nn::Conv2d conv1_{nullptr}, conv2_{nullptr}, proj_{nullptr};
  torch::nn::BatchNorm2d bn1_{nullptr}, bn2_{nullptr}, proj_bn_{nullptr};
};
TORCH_MODULE(ResidualBlock);

class ResidualNetImpl : public EmotionNetImpl {
 public:
  ResidualNetImpl(const ArchSpec& arch, int num_classes);
  torch::Tensor forward(torch::Tensor x) override;
  void fold_batchnorm() override;

 private:
  torch::nn::Conv2d stem_{nullptr};
  torch::nn::BatchNorm2d stem_bn_{nullptr};
  std::vector<ResidualBlock> blocks_;
  torch::nn::Sequential head_{nullptr};
  bool folded_ = false;
};

}  // namespace emomusic::nn
