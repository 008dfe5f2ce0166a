#include "vgg_net.hpp"

#include <algorithm>

namespace emomusic::nn {
namespace tnn = torch::nn;

VggNetImpl::VggNetImpl(const ArchSpec& arch, int input_size, int num_classes) {
  int in = 1;
  int side = input_size;
  for (size_t s = 0; s < arch.channels.size(); ++s) {
    for (int c = 0; c < arch.convs_per_stage; ++c) {
      const auto i = std::to_string(convs_.size());
      // Convolutions keep a bias so that batch norm can be folded into them for inference.
      convs_.push_back(register_module(
          "conv" + i, tnn::Conv2d(tnn::Conv2dOptions(in, arch.channels[s], 3).padding(1))));
      norms_.push_back(register_module("bn" + i, tnn::BatchNorm2d(arch.channels[s])));
      in = arch.channels[s];
    }
    pool_after_.push_back(static_cast<int>(convs_.size()) - 1);
    side /= 2;
  }
  const std::int64_t flat = static_cast<std::int64_t>(in) * side * side;
  if (arch.hidden > 0) {
    head_ = register_module(
        "head",
        tnn::Sequential(tnn::Flatten(), tnn::Dropout(arch.dropout), tnn::Linear(flat, arch.hidden),
                        tnn::BatchNorm1d(arch.hidden), tnn::ReLU(), tnn::Dropout(arch.dropout),
                        tnn::Linear(arch.hidden, num_classes)));
  } else {
    head_ = register_module("head", tnn::Sequential(tnn::Flatten(), tnn::Dropout(arch.dropout),
                                                    tnn::Linear(flat, num_classes)));
  }
}

torch::Tensor VggNetImpl::forward(torch::Tensor x) {
  for (size_t i = 0; i < convs_.size(); ++i) {
    x = convs_[i]->forward(x);
    if (!folded_) x = norms_[i]->forward(x);
    x = torch::relu_(x);
    if (std::find(pool_after_.begin(), pool_after_.end(), static_cast<int>(i)) !=
        pool_after_.end()) {
      x = torch::max_pool2d(x, 2);
    }
  }
  return head_->forward(x);
}

void VggNetImpl::fold_batchnorm() {
  if (folded_) return;
  torch::NoGradGuard no_grad;
  for (size_t i = 0; i < convs_.size(); ++i) {
    auto& bn = norms_[i];
    const auto scale = bn->weight / torch::sqrt(bn->running_var + bn->options.eps());
    convs_[i]->weight.mul_(scale.view({-1, 1, 1, 1}));
    convs_[i]->bias.copy_((convs_[i]->bias - bn->running_mean) * scale + bn->bias);
  }
  folded_ = true;
}

}  // namespace emomusic::nn
