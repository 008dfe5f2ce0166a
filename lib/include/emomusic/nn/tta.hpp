#pragma once
/// @file
/// Test-time augmentation, named apart from nn/classifier.hpp so that option structs free of
/// LibTorch (vision::FaceClassifierOptions, the front ends') can hold one.

#include <string>
#include <vector>

namespace emomusic::nn {

/// Test-time augmentation: none; average with the mirror image; ten crops (4 corners + centre,
/// each also mirrored) resized back to the input size.
enum class Tta { kNone, kFlip, kTenCrop };
/// The names of Tta's values, in its order: "none", "flip", "tencrop".
const std::vector<std::string>& tta_names();
Tta parse_tta(const std::string& name);  ///< a name of tta_names(); throws UsageError
std::string to_string(Tta tta);

}  // namespace emomusic::nn
