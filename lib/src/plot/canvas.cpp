#include "emomusic/plot/canvas.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "emomusic/core/atomic_file.hpp"
#include "emomusic/core/error.hpp"
#include "mask.hpp"

// The only translation unit that compiles the encoder; third-party code, so its warnings are not
// ours to fix.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wshadow"
#define STB_IMAGE_WRITE_IMPLEMENTATION
#define STB_IMAGE_WRITE_STATIC
#include <stb_image_write.h>
#pragma GCC diagnostic pop

namespace emomusic::plot {

namespace {

constexpr int kMaxSide = 16384;

std::uint8_t mix(std::uint8_t under, std::uint8_t over, float alpha) {
  return static_cast<std::uint8_t>(std::lround(under + (over - under) * alpha));
}

double distance_to_segment(double px, double py, double x0, double y0, double x1, double y1) {
  const double dx = x1 - x0;
  const double dy = y1 - y0;
  const double length2 = dx * dx + dy * dy;
  double t = length2 > 0 ? ((px - x0) * dx + (py - y0) * dy) / length2 : 0.0;
  t = std::clamp(t, 0.0, 1.0);
  return std::hypot(px - (x0 + t * dx), py - (y0 + t * dy));
}

struct Segment {
  double x0, y0, x1, y1;
};

/// Cuts the path into the pieces that are drawn: all of it when solid, every other `dash` pixels
/// of its length when dashed (the pattern runs on across vertices so dashes keep their length).
std::vector<Segment> path_segments(const std::vector<double>& x, const std::vector<double>& y,
                                   double dash) {
  std::vector<Segment> out;
  if (x.size() == 1) out.push_back({x[0], y[0], x[0], y[0]});
  bool pen_down = true;
  double phase_left = dash;  // of the current dash or gap
  for (std::size_t i = 1; i < x.size(); ++i) {
    const double length = std::hypot(x[i] - x[i - 1], y[i] - y[i - 1]);
    if (dash <= 0 || length == 0) {
      out.push_back({x[i - 1], y[i - 1], x[i], y[i]});
      continue;
    }
    const auto at = [&](double t) {
      return std::pair{x[i - 1] + t / length * (x[i] - x[i - 1]),
                       y[i - 1] + t / length * (y[i] - y[i - 1])};
    };
    // Each step either ends the segment or a whole dash or gap, so this always terminates.
    for (double along = 0.0; along < length;) {
      const double step = std::min(length - along, phase_left);
      if (pen_down) {
        const auto [ax, ay] = at(along);
        const auto [bx, by] = at(along + step);
        out.push_back({ax, ay, bx, by});
      }
      along = step == phase_left ? along + step : length;
      phase_left -= step;
      if (phase_left <= 1e-9) {
        pen_down = !pen_down;
        phase_left = dash;
      }
    }
  }
  return out;
}

}  // namespace

Canvas::Canvas(int width, int height, Rgb background)
    : width_(width), height_(height), clip_right_(width), clip_bottom_(height) {
  if (width < 1 || height < 1 || width > kMaxSide || height > kMaxSide) {
    throw UsageError("canvas size " + std::to_string(width) + "x" + std::to_string(height) +
                     " is out of range (1 to " + std::to_string(kMaxSide) + " pixels a side)");
  }
  rgb_.resize(static_cast<std::size_t>(width) * height * 3);
  for (std::size_t i = 0; i < rgb_.size(); i += 3) {
    rgb_[i] = background.r;
    rgb_[i + 1] = background.g;
    rgb_[i + 2] = background.b;
  }
}

Rgb Canvas::pixel(int x, int y) const {
  if (x < 0 || y < 0 || x >= width_ || y >= height_) {
    throw UsageError("pixel (" + std::to_string(x) + ", " + std::to_string(y) +
                     ") is outside the " + std::to_string(width_) + "x" + std::to_string(height_) +
                     " canvas");
  }
  const std::size_t i = (static_cast<std::size_t>(y) * width_ + x) * 3;
  return {rgb_[i], rgb_[i + 1], rgb_[i + 2]};
}

void Canvas::set_clip(double x0, double y0, double x1, double y1) {
  clip_left_ = std::clamp(static_cast<int>(std::lround(std::min(x0, x1))), 0, width_);
  clip_top_ = std::clamp(static_cast<int>(std::lround(std::min(y0, y1))), 0, height_);
  clip_right_ = std::clamp(static_cast<int>(std::lround(std::max(x0, x1))), 0, width_);
  clip_bottom_ = std::clamp(static_cast<int>(std::lround(std::max(y0, y1))), 0, height_);
}

void Canvas::reset_clip() {
  clip_left_ = 0;
  clip_top_ = 0;
  clip_right_ = width_;
  clip_bottom_ = height_;
}

Mask Canvas::mask_for(double x0, double y0, double x1, double y1) const {
  return Mask({x0, y0, x1, y1}, clip_left_, clip_top_, clip_right_, clip_bottom_);
}

void Canvas::blend(const Mask& mask, Rgb color) {
  for (int y = mask.top(); y < mask.bottom(); ++y) {
    for (int x = mask.left(); x < mask.right(); ++x) {
      const float alpha = std::min(1.0f, mask.at(x, y));
      if (alpha <= 0.0f) continue;
      std::uint8_t* p = &rgb_[(static_cast<std::size_t>(y) * width_ + x) * 3];
      p[0] = mix(p[0], color.r, alpha);
      p[1] = mix(p[1], color.g, alpha);
      p[2] = mix(p[2], color.b, alpha);
    }
  }
}

void Canvas::fill_rect(double x0, double y0, double x1, double y1, Rgb color) {
  const Box box{std::min(x0, x1), std::min(y0, y1), std::max(x0, x1), std::max(y0, y1)};
  Mask mask = mask_for(box.x0, box.y0, box.x1, box.y1);
  if (mask.empty()) return;
  mask.add_box(box);
  blend(mask, color);
}

void Canvas::draw_line(double x0, double y0, double x1, double y1, Rgb color, double thickness) {
  draw_polyline({x0, x1}, {y0, y1}, color, thickness);
}

void Canvas::draw_polyline(const std::vector<double>& x, const std::vector<double>& y, Rgb color,
                           double thickness, double dash) {
  if (x.size() != y.size()) {
    throw UsageError("polyline has " + std::to_string(x.size()) + " x values but " +
                     std::to_string(y.size()) + " y values");
  }
  if (x.empty()) return;
  const double reach = thickness / 2 + 1;
  const auto [x_min, x_max] = std::minmax_element(x.begin(), x.end());
  const auto [y_min, y_max] = std::minmax_element(y.begin(), y.end());
  Mask mask = mask_for(*x_min - reach, *y_min - reach, *x_max + reach, *y_max + reach);
  if (mask.empty()) return;
  for (const Segment& s : path_segments(x, y, dash)) {
    const int x_begin =
        std::max(mask.left(), static_cast<int>(std::floor(std::min(s.x0, s.x1) - reach)));
    const int x_end =
        std::min(mask.right(), static_cast<int>(std::ceil(std::max(s.x0, s.x1) + reach)));
    const int y_begin =
        std::max(mask.top(), static_cast<int>(std::floor(std::min(s.y0, s.y1) - reach)));
    const int y_end =
        std::min(mask.bottom(), static_cast<int>(std::ceil(std::max(s.y0, s.y1) + reach)));
    for (int py = y_begin; py < y_end; ++py) {
      for (int px = x_begin; px < x_end; ++px) {
        // Coverage falls off linearly over the pixel straddling the edge: cheap anti-aliasing.
        // Maxed, not summed, so that segments meeting at a vertex do not double up.
        const double d = distance_to_segment(px + 0.5, py + 0.5, s.x0, s.y0, s.x1, s.y1);
        const auto cover = static_cast<float>(std::clamp(thickness / 2 + 0.5 - d, 0.0, 1.0));
        mask.at(px, py) = std::max(mask.at(px, py), cover);
      }
    }
  }
  blend(mask, color);
}

void Canvas::save_png(const std::filesystem::path& png) const {
  std::string encoded;
  const auto append = [](void* context, void* data, int size) {
    static_cast<std::string*>(context)->append(static_cast<const char*>(data),
                                               static_cast<std::size_t>(size));
  };
  if (stbi_write_png_to_func(append, &encoded, width_, height_, 3, rgb_.data(), width_ * 3) == 0) {
    throw InputError("cannot encode " + png.string() + " as PNG (out of memory?)");
  }
  write_file_atomically(png, encoded);
}

}  // namespace emomusic::plot
