#pragma once
// The conv + batch-norm pair that the VGG and residual networks are made of, and the folding of
// the norm into the convolution that inference uses.

#include <torch/torch.h>

namespace emomusic::nn {

/// A 3×3 (or `kernel`) convolution with a bias, so that batch norm can be folded into it later.
torch::nn::Conv2d make_conv(int in, int out, int kernel = 3, int stride = 1);

/// Folds `bn`'s running statistics and affine transform into `conv`, so that conv alone computes
/// bn(conv(x)) in eval mode.
void fold_batchnorm_into(torch::nn::Conv2d& conv, const torch::nn::BatchNorm2d& bn);

}  // namespace emomusic::nn
