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

}  // namespace emomusic::train
