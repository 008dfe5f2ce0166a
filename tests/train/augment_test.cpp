#include "emomusic/train/augment.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "emomusic/core/error.hpp"

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

AugmentOptions no_camera() {
  AugmentOptions o;
  o.brightness = o.contrast = o.gamma = o.blur_probability = o.noise = 0;
  return o;
}

torch::Tensor grey_faces(int64_t n, int level) {
  return torch::full({n, 48, 48}, level, torch::kUInt8);
}

}  // namespace

TEST(CameraEffects, AllOffReturnsTheFacesUnchanged) {
  torch::manual_seed(10);
  const auto faces = torch::randint(0, 256, {6, 48, 48}, torch::kUInt8);
  EXPECT_TRUE(torch::equal(camera_effects(faces, no_camera()), faces));
}

TEST(CameraEffects, DefaultsKeepShapeAndDtypeAndChangeTheFaces) {
  torch::manual_seed(11);
  const auto faces = torch::randint(0, 256, {16, 1, 48, 48}, torch::kUInt8);
  const auto out = camera_effects(faces, AugmentOptions{});
  EXPECT_EQ(out.sizes(), faces.sizes());
  EXPECT_EQ(out.dtype(), torch::kUInt8);
  EXPECT_FALSE(torch::equal(out, faces));
}

TEST(CameraEffects, BrightnessMovesEachFaceWithinItsBound) {
  torch::manual_seed(12);
  auto o = no_camera();
  o.brightness = 0.2;
  const auto shift = camera_effects(grey_faces(200, 128), o).to(torch::kFloat32) - 128;
  // Each face moves as a whole, by at most 0.2 × 255 = 51 levels, in both directions.
  EXPECT_TRUE(torch::equal(shift.amax({1, 2}), shift.amin({1, 2})));
  const auto per_face = shift.amax({1, 2});
  EXPECT_LE(per_face.abs().max().item<float>(), 52);
  EXPECT_LT(per_face.min().item<float>(), -30);
  EXPECT_GT(per_face.max().item<float>(), 30);
}

TEST(CameraEffects, ContrastAndGammaKeepTheOrderOfGreyLevels) {
  torch::manual_seed(13);
  auto o = no_camera();
  o.contrast = 0.5;
  o.gamma = 0.5;
  // A ramp: every face stays a non-decreasing ramp (monotone maps), but not the same one.
  const auto ramp = torch::arange(0, 256, 256.0 / 48).to(torch::kUInt8).expand({32, 48, 48});
  const auto out = camera_effects(ramp.contiguous(), o).to(torch::kInt32);
  EXPECT_TRUE((out.diff(1, 2) >= 0).all().item<bool>());
  EXPECT_GT((out - ramp.to(torch::kInt32)).abs().sum().item<int64_t>(), 32 * 48 * 48);
}

TEST(CameraEffects, BlurSoftensEdgesAndNoiseRoughensFlatFaces) {
  torch::manual_seed(14);
  auto blur = no_camera();
  blur.blur_probability = 1.0;
  auto bars = grey_faces(8, 40);
  bars.narrow(2, 0, 24).fill_(220);  // a vertical edge in the middle of each face
  const auto blurred = camera_effects(bars, blur).to(torch::kFloat32);
  // Next to the edge the levels are mixed; far from it they are not.
  EXPECT_TRUE((blurred.select(2, 24) > 41).all().item<bool>());
  EXPECT_TRUE((blurred.select(2, 23) < 219).all().item<bool>());
  EXPECT_TRUE((blurred.select(2, 40) == 40).all().item<bool>());

  auto noise = no_camera();
  noise.noise = 0.05;
  const auto noisy = camera_effects(grey_faces(64, 128), noise).to(torch::kFloat32);
  const auto spread = noisy.std({1, 2});
  EXPECT_LT(spread.max().item<float>(), 0.05 * 255 * 1.2);
  EXPECT_GT(spread.max().item<float>(), 4);
  EXPECT_NEAR(noisy.mean().item<float>(), 128, 1.0);
}

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


TEST(Augment, ShearSlantsVerticalsAboutTheMiddleRow) {
  torch::manual_seed(5);
  auto o = nothing();
  o.max_shear = 0.3;
  auto x = torch::zeros({16, 1, 48, 48});
  x.narrow(3, 22, 4).fill_(1.0);  // a vertical bar
  const auto y = augment_batch(x, o);
  const auto coords = torch::arange(48, torch::kFloat32);
  const auto centre = [&](const torch::Tensor& row) {
    return (row * coords).sum().item<double>() / row.sum().item<double>();
  };
  int slanted = 0;
  for (int64_t i = 0; i < 16; ++i) {
    // The shear is about the centre: the rows next to it stay where they were, while the top and
    // bottom rows move in opposite directions, by up to 0.3 × 24 = 7 pixels.
    EXPECT_NEAR(centre(y[i][0][24]), 23.5, 0.6) << i;
    const double top = centre(y[i][0][2]) - 23.5, bottom = centre(y[i][0][45]) - 23.5;
    EXPECT_LE(std::abs(top), 7.5) << i;
    EXPECT_NEAR(top, -bottom, 0.6) << i;
    slanted += std::abs(top) > 1;
  }
  EXPECT_GE(slanted, 10);
}

TEST(Mixup, BlendsEachImageWithItsPartnerByTheWeight) {
  torch::manual_seed(6);
  const auto x = torch::randn({12, 1, 8, 8});
  std::set<double> weights;
  for (int draw = 0; draw < 20; ++draw) {
    const auto m = mixup(x, 0.4);
    ASSERT_GE(m.weight, 0.5);
    ASSERT_LE(m.weight, 1.0);
    weights.insert(m.weight);
    // The partners are a permutation of the batch.
    EXPECT_TRUE(torch::equal(std::get<0>(m.partner.sort()), torch::arange(12, torch::kInt64)));
    EXPECT_TRUE(torch::allclose(
        m.images, x * m.weight + x.index_select(0, m.partner) * (1 - m.weight), 1e-5, 1e-6));
  }
  EXPECT_GT(weights.size(), 15u) << "one weight per batch, drawn anew each time";
}

TEST(Mixup, OffLeavesTheBatchAsItIs) {
  const auto x = torch::randn({5, 1, 8, 8});
  const auto m = mixup(x, 0);
  EXPECT_EQ(m.weight, 1.0);
  EXPECT_TRUE(torch::equal(m.images, x));
  EXPECT_TRUE(torch::equal(m.partner, torch::arange(5, torch::kInt64)));
  EXPECT_THROW(mixup(x, -0.1), UsageError);
  EXPECT_THROW(mixup(x, std::nan("")), UsageError);
}

TEST(Mixup, SmallAlphaKeepsMostImagesNearlyWhole) {
  // Beta(0.2, 0.2) puts most of its mass near 0 and 1: folded, most weights are above 0.9.
  torch::manual_seed(7);
  const auto x = torch::randn({4, 1, 2, 2});
  int nearly_whole = 0;
  for (int draw = 0; draw < 200; ++draw) nearly_whole += mixup(x, 0.2).weight > 0.9;
  EXPECT_GT(nearly_whole, 100);
  EXPECT_LT(nearly_whole, 190);
}

}  // namespace emomusic::train
