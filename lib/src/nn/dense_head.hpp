#pragma once
// The classifier head shared by the VGG and residual networks: dropout, then either one linear
// layer or a hidden dense layer with batch norm (ArchSpec::hidden).

#include <torch/torch.h>

#include <cstdint>

#include "emomusic/nn/model_spec.hpp"

namespace emomusic::nn {

/// Flatten → dropout → [linear(features, hidden) → BN → ReLU → dropout →] linear → classes.
/// Its module names ("head.2", "head.3", "head.6") are those of network_tensor_specs().
torch::nn::Sequential make_dense_head(std::int64_t features, const ArchSpec& arch, int num_classes);

}  // namespace emomusic::nn
