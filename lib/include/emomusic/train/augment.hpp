#pragma once
/// @file
/// Training-time augmentation on whole batches of normalised faces: one random affine warp per
/// image (shift, scale, rotation, mirror; covers random crops and random-resized crops) done in a
/// single grid_sample, then random erasing.

#include <torch/torch.h>

namespace emomusic::train {

struct AugmentOptions {
  double max_shift = 0.1;  ///< fraction of the side, each direction
  double min_scale = 0.9;  ///< zoom range (random-resized crop without aspect change)
  double max_scale = 1.1;
  double max_rotation_deg = 10;
  bool flip = true;  ///< mirror half of the images
  double erase_probability = 0.5;
  double erase_min_area = 0.02;  ///< of the image
  double erase_max_area = 0.15;
};

/// x: float [N,1,S,S] (normalised) → augmented copy, same shape and device. Labels are unchanged
/// by construction: every transform keeps the expression.
torch::Tensor augment_batch(const torch::Tensor& x, const AugmentOptions& options);

}  // namespace emomusic::train
