#include "vgg_net.hpp"

#include <algorithm>

#include "conv_batchnorm.hpp"
#include "dense_head.hpp"

namespace emomusic::nn {
namespace tnn = torch::nn;

VggNetImpl::VggNetImpl(const ArchSpec& arch, int input_size, int num_classes) {
  int in = 1;
  int side = input_size;
  for (size_t s = 0; s < arch.channels.size(); ++s) {
    for (int c = 0; c < arch.convs_per_stage; ++c) {
      const auto i = std::to_string(convs_.size());
      convs_.push_back(register_module("conv" + i, make_conv(in, arch.channels[s])));
      norms_.push_back(register_module("bn" + i, tnn::BatchNorm2d(arch.channels[s])));
      in = arch.channels[s];
    }
    pool_after_.push_back(static_cast<int>(convs_.size()) - 1);
    side /= 2;
  }
  const std::int64_t flat = static_cast<std::int64_t>(in) * side * side;
  head_ = register_module("head", make_dense_head(flat, arch, num_classes));
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
  for (size_t i = 0; i < convs_.size(); ++i) fold_batchnorm_into(convs_[i], norms_[i]);
  folded_ = true;
}

}  // namespace emomusic::nn
