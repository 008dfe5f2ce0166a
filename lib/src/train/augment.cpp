#include "emomusic/train/augment.hpp"

#include <cmath>

namespace emomusic::train {

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
  const auto cos = torch::cos(angle) * scale;
  const auto sin = torch::sin(angle) * scale;
  const auto theta = torch::stack(
      {torch::stack({cos * mirror, -sin, tx}, 1), torch::stack({sin * mirror, cos, ty}, 1)}, 1);
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

}  // namespace emomusic::train
