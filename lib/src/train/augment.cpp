#include "emomusic/train/augment.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "emomusic/core/error.hpp"

namespace emomusic::train {

namespace {

// One random draw per face, as a column [N,1,1,1] that broadcasts over its pixels.
torch::Tensor per_face(const torch::Tensor& values) {
  return values.view({-1, 1, 1, 1});
}

// A normalised 5×5 Gaussian kernel per face, [N,1,5,5], for a grouped convolution.
torch::Tensor gaussian_kernels(const torch::Tensor& sigma) {
  const auto r = torch::arange(-2, 3, sigma.options()).view({1, 5});
  const auto g = torch::exp(-(r * r) / (2 * sigma.view({-1, 1}).pow(2)));
  const auto k = g.unsqueeze(2) * g.unsqueeze(1);
  return (k / k.sum({1, 2}, true)).unsqueeze(1);
}

}  // namespace

torch::Tensor camera_effects(const torch::Tensor& faces_u8, const AugmentOptions& o) {
  torch::NoGradGuard no_grad;
  auto x = (faces_u8.dim() == 3 ? faces_u8.unsqueeze(1) : faces_u8).to(torch::kFloat32) / 255.0;
  const auto n = x.size(0);
  const auto opts = x.options();
  const auto uniform = [&](double lo, double hi) {
    return per_face(torch::rand({n}, opts) * (hi - lo) + lo);
  };
  const auto log_uniform = [&](double spread) {
    return torch::exp(uniform(-std::log1p(spread), std::log1p(spread)));
  };
  if (o.gamma > 0) x = x.clamp_min(0).pow(log_uniform(o.gamma));
  if (o.contrast > 0) {
    const auto mean = x.mean({2, 3}, true);
    x = (x - mean) * log_uniform(o.contrast) + mean;
  }
  if (o.brightness > 0) x = x + uniform(-o.brightness, o.brightness);
  if (o.blur_probability > 0) {
    // Every face goes through a kernel; those not chosen get a near-delta one (sigma 0.05),
    // which keeps the whole batch in one grouped convolution.
    const auto chosen = torch::rand({n}, opts) < o.blur_probability;
    const auto sigma =
        torch::where(chosen, torch::rand({n}, opts) * 0.9 + 0.3, torch::full({n}, 0.05, opts));
    const auto padded = torch::nn::functional::pad(
        x.view({1, n, x.size(2), x.size(3)}),
        torch::nn::functional::PadFuncOptions({2, 2, 2, 2}).mode(torch::kReflect));
    x = torch::nn::functional::conv2d(padded, gaussian_kernels(sigma),
                                      torch::nn::functional::Conv2dFuncOptions().groups(n))
            .view_as(x);
  }
  if (o.noise > 0) x = x + torch::randn_like(x) * uniform(0, o.noise);
  // Back to 8 bits, as a camera delivers them: clipped and quantised.
  return x.mul_(255.0).round_().clamp_(0, 255).to(torch::kUInt8).view(faces_u8.sizes());
}

torch::Tensor augment_batch(const torch::Tensor& x, const AugmentOptions& o) {
  torch::NoGradGuard no_grad;
  const auto n = x.size(0);
  const auto opts = torch::TensorOptions().dtype(torch::kFloat32).device(x.device());
  const auto uniform = [&](double lo, double hi) {
    return torch::rand({n}, opts) * (hi - lo) + lo;
  };

  // affine_grid maps output coordinates to input coordinates in [-1, 1]; scale s > 1 zooms in.
  const auto angle = uniform(-o.max_rotation_deg, o.max_rotation_deg) * (M_PI / 180.0);
  const auto scale = 1.0 / uniform(o.min_scale, o.max_scale);
  auto mirror = torch::ones({n}, opts);
  if (o.flip) mirror = torch::where(torch::rand({n}, opts) < 0.5, -mirror, mirror);
  const auto tx = uniform(-2 * o.max_shift, 2 * o.max_shift);
  const auto ty = uniform(-2 * o.max_shift, 2 * o.max_shift);
  const auto shear = uniform(-o.max_shear, o.max_shear);
  const auto cos = torch::cos(angle) * scale;
  const auto sin = torch::sin(angle) * scale;
  // Rotation and zoom times the shear [[1, shear], [0, 1]] (the mirror is the first column's
  // sign): the rows of the 2×3 matrix that maps output to input coordinates.
  const auto theta = torch::stack({torch::stack({cos * mirror, cos * mirror * shear - sin, tx}, 1),
                                   torch::stack({sin * mirror, sin * mirror * shear + cos, ty}, 1)},
                                  1);
  const auto grid = torch::nn::functional::affine_grid(theta, x.sizes(), /*align_corners=*/false);
  // Reflection keeps face-like texture at the borders instead of flat bands.
  auto out = torch::nn::functional::grid_sample(x, grid,
                                                torch::nn::functional::GridSampleFuncOptions()
                                                    .mode(torch::kBilinear)
                                                    .padding_mode(torch::kReflection)
                                                    .align_corners(false));

  if (o.erase_probability > 0) {
    // Random erasing (Zhong et al. 2020): one rectangle per chosen image, filled with 0, the mean
    // of the normalised input. Built as a mask so the whole batch is done at once.
    const auto side = static_cast<double>(x.size(3));
    const auto area = uniform(o.erase_min_area, o.erase_max_area) * side * side;
    const auto aspect = torch::exp(uniform(std::log(0.3), std::log(3.3)));
    const auto h = torch::sqrt(area * aspect).clamp(1, side);
    const auto w = torch::sqrt(area / aspect).clamp(1, side);
    const auto top = torch::rand({n}, opts) * (side - h);
    const auto left = torch::rand({n}, opts) * (side - w);
    const auto coords = torch::arange(x.size(3), opts);
    const auto rows = (coords.view({1, -1}) >= top.view({-1, 1})) &
                      (coords.view({1, -1}) < (top + h).view({-1, 1}));
    const auto cols = (coords.view({1, -1}) >= left.view({-1, 1})) &
                      (coords.view({1, -1}) < (left + w).view({-1, 1}));
    const auto chosen = (torch::rand({n}, opts) < o.erase_probability).view({-1, 1, 1});
    const auto mask = (rows.unsqueeze(2) & cols.unsqueeze(1) & chosen).unsqueeze(1);
    out.masked_fill_(mask, 0.0);
  }
  return out;
}

MixedBatch mixup(const torch::Tensor& x, double alpha) {
  torch::NoGradGuard no_grad;
  const auto n = x.size(0);
  const auto index = torch::TensorOptions().dtype(torch::kInt64).device(x.device());
  if (!(alpha >= 0)) throw UsageError(fmt::format("mixup's alpha {} is not 0 or more", alpha));
  if (alpha == 0) return {x, torch::arange(n, index), 1.0};
  // Beta(α, α) as G1 / (G1 + G2) with Gi ~ Gamma(α), from LibTorch's generator so that the
  // run's seed fixes it.
  const auto g = at::_standard_gamma(torch::full({2}, alpha, torch::kFloat64));
  const double drawn = (g[0] / (g[0] + g[1])).item<double>();
  const double weight = std::max(drawn, 1 - drawn);
  const auto partner = torch::randperm(n, index);
  return {x * weight + x.index_select(0, partner) * (1 - weight), partner, weight};
}

}  // namespace emomusic::train
