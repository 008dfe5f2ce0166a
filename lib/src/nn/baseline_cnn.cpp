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
  // Computed, not measured with a forward pass: a pass over an untrusted input size could need
  // gigabytes. network_test pins it against the real layer sizes.
  const int side = baseline_feature_side(input_size);
  const std::int64_t flat = std::int64_t{128} * side * side;
  classifier_ = register_module(
      "classifier", tnn::Sequential(tnn::Linear(flat, 1024), tnn::ReLU(),
                                    tnn::Dropout(arch.dropout), tnn::Linear(1024, num_classes)));
}

torch::Tensor BaselineCnnImpl::forward(torch::Tensor x) {
  return classifier_->forward(features_->forward(x));
}

}  // namespace emomusic::nn
