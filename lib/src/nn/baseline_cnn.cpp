#include "baseline_cnn.hpp"

namespace emomusic::nn {
namespace tnn = torch::nn;

BaselineCnnImpl::BaselineCnnImpl(const ArchSpec& arch, int input_size, int num_classes) {
  features_ = register_module(
      "features",
      tnn::Sequential(tnn::Conv2d(tnn::Conv2dOptions(1, 32, 3)), tnn::ReLU(),
                      tnn::Conv2d(tnn::Conv2dOptions(32, 64, 3)), tnn::ReLU(), tnn::MaxPool2d(2),
                      tnn::Dropout(0.25), tnn::Conv2d(tnn::Conv2dOptions(64, 128, 3)), tnn::ReLU(),
                      tnn::MaxPool2d(2), tnn::Conv2d(tnn::Conv2dOptions(128, 128, 3)), tnn::ReLU(),
                      tnn::MaxPool2d(2), tnn::Dropout(0.25), tnn::Flatten()));
  // The flattened size depends on the input size; measure it rather than re-derive the arithmetic.
  const auto flat = [&] {
    torch::NoGradGuard no_grad;
    return features_->forward(torch::zeros({1, 1, input_size, input_size})).size(1);
  }();
  classifier_ = register_module(
      "classifier", tnn::Sequential(tnn::Linear(flat, 1024), tnn::ReLU(),
                                    tnn::Dropout(arch.dropout), tnn::Linear(1024, num_classes)));
}

torch::Tensor BaselineCnnImpl::forward(torch::Tensor x) {
  return classifier_->forward(features_->forward(x));
}

}  // namespace emomusic::nn
