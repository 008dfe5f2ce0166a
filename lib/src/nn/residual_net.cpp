#include "residual_net.hpp"

#include "conv_batchnorm.hpp"
#include "dense_head.hpp"

namespace emomusic::nn {
namespace tnn = torch::nn;

ResidualBlockImpl::ResidualBlockImpl(int in, int out, int stride) {
  conv1_ = register_module("conv1", make_conv(in, out, 3, stride));
  bn1_ = register_module("bn1", tnn::BatchNorm2d(out));
  conv2_ = register_module("conv2", make_conv(out, out));
  bn2_ = register_module("bn2", tnn::BatchNorm2d(out));
  // Where the shape changes the identity cannot be added; a 1×1 projection matches it (ResNet's
  // option B).
  if (stride != 1 || in != out) {
    proj_ = register_module("proj", make_conv(in, out, 1, stride));
    proj_bn_ = register_module("proj_bn", tnn::BatchNorm2d(out));
  }
}

torch::Tensor ResidualBlockImpl::forward(torch::Tensor x, bool folded) {
  auto y = conv1_->forward(x);
  if (!folded) y = bn1_->forward(y);
  y = conv2_->forward(torch::relu_(y));
  if (!folded) y = bn2_->forward(y);
  auto shortcut = x;
  if (proj_) {
    shortcut = proj_->forward(x);
    if (!folded) shortcut = proj_bn_->forward(shortcut);
  }
  y += shortcut;
  return torch::relu_(y);
}

void ResidualBlockImpl::fold_batchnorm() {
  fold_batchnorm_into(conv1_, bn1_);
  fold_batchnorm_into(conv2_, bn2_);
  if (proj_) fold_batchnorm_into(proj_, proj_bn_);
}

ResidualNetImpl::ResidualNetImpl(const ArchSpec& arch, int num_classes) {
  int in = arch.channels.front();
  stem_ = register_module("stem", make_conv(1, in));
  stem_bn_ = register_module("stem_bn", tnn::BatchNorm2d(in));
  for (const int channels : arch.channels) {
    for (int b = 0; b < arch.convs_per_stage / 2; ++b) {
      blocks_.push_back(register_module("block" + std::to_string(blocks_.size()),
                                        ResidualBlock(in, channels, b == 0 ? 2 : 1)));
      in = channels;
    }
  }
  head_ = register_module("head", make_dense_head(in, arch, num_classes));
}

torch::Tensor ResidualNetImpl::forward(torch::Tensor x) {
  x = stem_->forward(x);
  if (!folded_) x = stem_bn_->forward(x);
  x = torch::relu_(x);
  for (auto& block : blocks_) x = block->forward(x, folded_);
  // Averaging over the face, not flattening it, keeps the head the same for any input size.
  return head_->forward(x.mean({2, 3}));
}

void ResidualNetImpl::fold_batchnorm() {
  if (folded_) return;
  fold_batchnorm_into(stem_, stem_bn_);
  for (auto& block : blocks_) block->fold_batchnorm();
  folded_ = true;
}

}  // namespace emomusic::nn
