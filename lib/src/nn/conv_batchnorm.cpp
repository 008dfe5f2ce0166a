#include "conv_batchnorm.hpp"

namespace emomusic::nn {
namespace tnn = torch::nn;

tnn::Conv2d make_conv(int in, int out, int kernel, int stride) {
  return tnn::Conv2d(
      tnn::Conv2dOptions(in, out, kernel).stride(stride).padding(kernel / 2).bias(true));
}

void fold_batchnorm_into(tnn::Conv2d& conv, const tnn::BatchNorm2d& bn) {
  torch::NoGradGuard no_grad;
  const auto scale = bn->weight / torch::sqrt(bn->running_var + bn->options.eps());
  conv->weight.mul_(scale.view({-1, 1, 1, 1}));
  conv->bias.copy_((conv->bias - bn->running_mean) * scale + bn->bias);
}

}  // namespace emomusic::nn
