#pragma once
/// @file
/// LibTorch tensors ↔ safetensors entries. Shared by the data area (packed datasets) and the nn
/// area (model files), which may not lean on each other.

#include <torch/torch.h>

#include <string>

#include "emomusic/core/safetensors.hpp"

namespace emomusic {

/// Copies a tensor (F32, F64, I64, I32, U8, BOOL) to a safetensors entry, via contiguous CPU
/// memory.
RawTensor to_raw(const torch::Tensor& t);
/// The inverse; throws ModelError naming `name` for an unsupported dtype.
torch::Tensor from_raw(const RawTensor& raw, const std::string& name);

}  // namespace emomusic
