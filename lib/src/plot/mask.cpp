#include "mask.hpp"

#include <algorithm>
#include <cmath>

namespace emomusic::plot {

Mask::Mask(const Box& bounds, int left, int top, int right, int bottom)
    : left_(std::max(left, static_cast<int>(std::floor(bounds.x0)))),
      top_(std::max(top, static_cast<int>(std::floor(bounds.y0)))),
      right_(std::min(right, static_cast<int>(std::ceil(bounds.x1)))),
      bottom_(std::min(bottom, static_cast<int>(std::ceil(bounds.y1)))) {
  if (!empty()) cover_.assign(static_cast<std::size_t>(right_ - left_) * (bottom_ - top_), 0.0f);
}

void Mask::add_box(const Box& box) {
  const int x_begin = std::max(left_, static_cast<int>(std::floor(box.x0)));
  const int x_end = std::min(right_, static_cast<int>(std::ceil(box.x1)));
  const int y_begin = std::max(top_, static_cast<int>(std::floor(box.y0)));
  const int y_end = std::min(bottom_, static_cast<int>(std::ceil(box.y1)));
  for (int y = y_begin; y < y_end; ++y) {
    const double cover_y = std::min<double>(y + 1, box.y1) - std::max<double>(y, box.y0);
    for (int x = x_begin; x < x_end; ++x) {
      const double cover_x = std::min<double>(x + 1, box.x1) - std::max<double>(x, box.x0);
      at(x, y) += static_cast<float>(cover_x * cover_y);
    }
  }
}

}  // namespace emomusic::plot
