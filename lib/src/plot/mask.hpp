#pragma once
// Coverage masks: every shape is first rasterised into per-pixel coverage (0..1) and then blended
// into the canvas once, so overlapping parts of one shape do not darken its anti-aliased edges.

#include <vector>

namespace emomusic::plot {

/// An axis-aligned rectangle in pixel coordinates, [x0, x1) x [y0, y1).
struct Box {
  double x0, y0, x1, y1;
};

/// Coverage of the pixels [left, right) x [top, bottom), already clipped to the canvas.
class Mask {
 public:
  /// The pixels that `bounds` touches within the whole pixels [left, right) x [top, bottom).
  Mask(const Box& bounds, int left, int top, int right, int bottom);

  bool empty() const { return right_ <= left_ || bottom_ <= top_; }
  int left() const { return left_; }
  int top() const { return top_; }
  int right() const { return right_; }
  int bottom() const { return bottom_; }
  float& at(int x, int y) {
    return cover_[static_cast<std::size_t>(y - top_) * (right_ - left_) + (x - left_)];
  }
  float at(int x, int y) const {
    return cover_[static_cast<std::size_t>(y - top_) * (right_ - left_) + (x - left_)];
  }

  /// Adds the exact area of `box` inside each pixel; sums above 1 are clamped when blended.
  void add_box(const Box& box);

 private:
  int left_, top_, right_, bottom_;
  std::vector<float> cover_;
};

}  // namespace emomusic::plot
