#include "emomusic/train/augment.hpp"

#include <gtest/gtest.h>

namespace emomusic::train {
namespace {

AugmentOptions nothing() {
  AugmentOptions o;
  o.max_shift = 0;
  o.min_scale = o.max_scale = 1;
  o.max_rotation_deg = 0;
  o.flip = false;
  o.erase_probability = 0;
  return o;
}

}  // namespace

TEST(Augment, IdentitySettingsReturnTheInput) {
  torch::manual_seed(0);
  const auto x = torch::randn({5, 1, 48, 48});
  // Pins the grid convention: with no warp, sampling reproduces every pixel exactly.
  EXPECT_TRUE(torch::allclose(augment_batch(x, nothing()), x, 1e-5, 1e-5));
}

TEST(Augment, FlipMirrorsSomeImagesAndKeepsOthers) {
  torch::manual_seed(1);
  auto o = nothing();
  o.flip = true;
  const auto x = torch::randn({64, 1, 48, 48});
  const auto y = augment_batch(x, o);
  int mirrored = 0;
  for (int64_t i = 0; i < 64; ++i) {
    // Tolerance for the sampling grid's float rounding; a wrong image differs by O(1).
    const bool same = torch::allclose(y[i], x[i], 1e-3, 1e-3);
    const bool mirror = torch::allclose(y[i], x[i].flip({2}), 1e-3, 1e-3);
    EXPECT_TRUE(same || mirror) << "image " << i << " is neither itself nor its mirror";
    mirrored += mirror;
  }
  EXPECT_GT(mirrored, 10);
  EXPECT_LT(mirrored, 54);
}

TEST(Augment, KeepsShapeDeviceAndValueRange) {
  torch::manual_seed(2);
  const auto x = torch::rand({32, 1, 48, 48}) * 4 - 1;  // values in [-1, 3]
  const auto y = augment_batch(x, AugmentOptions{});
  EXPECT_EQ(y.sizes(), x.sizes());
  EXPECT_EQ(y.device(), x.device());
  EXPECT_EQ(y.dtype(), x.dtype());
  // Bilinear sampling with reflection cannot leave the input's range; erasing writes 0 (the mean).
  EXPECT_GE(y.min().item<float>(), -1.0f - 1e-4f);
  EXPECT_LE(y.max().item<float>(), 3.0f + 1e-4f);
  EXPECT_FALSE(torch::allclose(y, x)) << "default augmentation changed nothing";
}

TEST(Augment, ErasingBlanksARectangleOfTheConfiguredArea) {
  torch::manual_seed(3);
  auto o = nothing();
  o.erase_probability = 1.0;
  o.erase_min_area = o.erase_max_area = 0.1;
  const auto x = torch::ones({16, 1, 48, 48});
  const auto y = augment_batch(x, o);
  for (int64_t i = 0; i < 16; ++i) {
    const auto erased = (y[i] == 0).sum().item<int64_t>();
    // 10% of 2304 pixels = 230, give or take the rounding of the rectangle's sides.
    EXPECT_GT(erased, 130) << i;
    EXPECT_LT(erased, 330) << i;
  }
}

TEST(Augment, ShiftMovesContent) {
  torch::manual_seed(4);
  auto o = nothing();
  o.max_shift = 0.2;
  auto x = torch::zeros({8, 1, 48, 48});
  x.narrow(2, 20, 8).narrow(3, 20, 8).fill_(1.0);  // a square in the middle
  const auto y = augment_batch(x, o);
  // The square's mass stays (reflection does not reach it) but its centre moves.
  const auto coords = torch::arange(48, torch::kFloat32);
  int moved = 0;
  for (int64_t i = 0; i < 8; ++i) {
    const auto img = y[i][0];
    const double cx = (img.sum(0) * coords).sum().item<double>() / img.sum().item<double>();
    moved += std::abs(cx - 23.5) > 0.5;
  }
  EXPECT_GE(moved, 6);
}

}  // namespace emomusic::train
