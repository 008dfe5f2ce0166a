#pragma once
/// @file
/// Training-time augmentation on whole batches, in two steps on either side of normalisation:
/// - camera_effects() on the uint8 faces: what a webcam does to a face that FER2013's web photos
///   rarely show (exposure, contrast, gamma, focus blur, sensor noise), so that it happens before
///   the model's own contrast normalisation, as it does in a real frame;
/// - augment_batch() on the normalised faces: one random affine warp per image (shift, scale,
///   rotation, shear, mirror; covers random crops and random-resized crops, i.e. the framing of a
///   face detector's box) done in a single grid_sample, then random erasing;
/// - mixup() on the augmented batch: each face blended with another, and so are their labels.
/// Every step works on any device, a whole batch at once.

#include <torch/torch.h>

namespace emomusic::train {

struct AugmentOptions {
  double max_shift = 0.1;  ///< fraction of the side, each direction
  double min_scale = 0.8;  ///< zoom range (random-resized crop without aspect change)
  double max_scale = 1.2;
  double max_rotation_deg = 10;
  /// Horizontal shear factor, drawn per face in [-s, s] (0.2 slants verticals by up to 11°): a
  /// head turned or tilted a little, as in photographs that were not taken straight on.
  double max_shear = 0;
  bool flip = true;  ///< mirror half of the images
  double erase_probability = 0.5;
  double erase_min_area = 0.02;  ///< of the image
  double erase_max_area = 0.15;

  // Camera effects; 0 turns each one off.
  double brightness = 0.2;        ///< largest shift of the mean level, as a fraction of full scale
  double contrast = 0.3;          ///< contrast factor drawn log-uniformly in [1/(1+c), 1+c]
  double gamma = 0.3;             ///< gamma drawn log-uniformly in [1/(1+g), 1+g]
  double blur_probability = 0.3;  ///< share of faces blurred, Gaussian sigma 0.3–1.2 px
  double noise = 0.03;  ///< largest std of Gaussian sensor noise, as a fraction of full scale
};

/// faces: uint8 [N,S,S] or [N,1,S,S] → the same faces as a camera might have taken them (uint8,
/// same shape and device): gamma, contrast about each face's mean, brightness, blur, noise,
/// each drawn per face.
torch::Tensor camera_effects(const torch::Tensor& faces_u8, const AugmentOptions& options);

/// x: float [N,1,S,S] (normalised) → augmented copy, same shape and device. Labels are unchanged
/// by construction: every transform keeps the expression.
torch::Tensor augment_batch(const torch::Tensor& x, const AugmentOptions& options);

/// A batch after mixup (Zhang et al. 2018, "mixup: Beyond Empirical Risk Minimization"): every
/// image is `weight` of itself and 1 − `weight` of its partner, and its loss is weighted the
/// same way between the two labels.
struct MixedBatch {
  torch::Tensor images;
  torch::Tensor partner;  ///< int64 [N]: the index of the image each one was blended with
  double weight = 1;      ///< in [0.5, 1], so that an image's own label is its larger share
};

/// x: float [N,…] → x mixed with a random permutation of itself, with one weight λ for the batch
/// drawn from Beta(alpha, alpha) (folded to max(λ, 1 − λ)). alpha 0 leaves the batch as it is
/// (each image its own partner, weight 1). Throws UsageError for a negative alpha.
MixedBatch mixup(const torch::Tensor& x, double alpha);

}  // namespace emomusic::train
