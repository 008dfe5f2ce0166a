#pragma once
/// @file
/// A small RGB raster with anti-aliased drawing and atomic PNG output. It needs no font file and
/// no image library beyond the header-only stb ones, so charts can be drawn on a machine that has
/// only LibTorch (e.g. a GPU box running `emomusic train`).

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace emomusic::plot {

class Mask;

/// An opaque 8-bit sRGB colour.
struct Rgb {
  std::uint8_t r = 0;
  std::uint8_t g = 0;
  std::uint8_t b = 0;
  friend bool operator==(Rgb a, Rgb b) { return a.r == b.r && a.g == b.g && a.b == b.b; }
  friend bool operator!=(Rgb a, Rgb b) { return !(a == b); }
};

inline constexpr Rgb kWhite{255, 255, 255};
inline constexpr Rgb kBlack{0, 0, 0};

/// Which point of the text box the anchor given to Canvas::draw_text names.
enum class HAlign { kLeft, kCenter, kRight };
/// kTop is the top of a capital letter, kBottom the baseline (descenders hang below it).
enum class VAlign { kTop, kMiddle, kBottom };
/// kUp turns the text 90 degrees counter-clockwise so it reads bottom to top (y-axis labels).
enum class TextDirection { kHorizontal, kUp };

struct TextStyle {
  double height = 12.0;  ///< height of a capital letter in pixels
  Rgb color = kBlack;
  HAlign h_align = HAlign::kLeft;
  VAlign v_align = VAlign::kBottom;
  TextDirection direction = TextDirection::kHorizontal;
  bool bold = false;  ///< thicker vertical strokes, for titles
};

/// An RGB image; (0, 0) is the top-left corner, coordinates are in pixels and may be fractional.
/// Drawing outside the image is clipped.
class Canvas {
 public:
  /// Throws UsageError unless both sides are between 1 and 16384 pixels.
  Canvas(int width, int height, Rgb background = kWhite);

  int width() const { return width_; }
  int height() const { return height_; }
  /// Throws UsageError for a point outside the image.
  Rgb pixel(int x, int y) const;

  /// Restricts all later drawing to the rectangle [x0, x1) x [y0, y1) (rounded to whole pixels),
  /// e.g. to keep data inside a chart's plot area; reset_clip() lifts it.
  void set_clip(double x0, double y0, double x1, double y1);
  void reset_clip();

  /// Fills the rectangle [x0, x1) x [y0, y1); fractional edges are blended by coverage.
  void fill_rect(double x0, double y0, double x1, double y1, Rgb color);
  /// A straight line `thickness` pixels wide with round ends.
  void draw_line(double x0, double y0, double x1, double y1, Rgb color, double thickness);
  /// Connected line segments through the points (x[i], y[i]), blended once so that the joins do
  /// not darken. A single point is drawn as a dot. `dash` > 0 draws dashes and gaps of that many
  /// pixels along the path. Throws UsageError if the sizes differ.
  void draw_polyline(const std::vector<double>& x, const std::vector<double>& y, Rgb color,
                     double thickness, double dash = 0.0);
  /// Printable ASCII text in the built-in stroke font; other characters are drawn as '?'.
  /// Newlines start a new line below (or, for TextDirection::kUp, to the right).
  void draw_text(const std::string& text, double x, double y, const TextStyle& style);
  /// Width in pixels of the widest line of `text` at the given capital-letter height.
  static double text_width(const std::string& text, double height);

  /// Encodes the image as PNG and writes it atomically (a temporary sibling renamed over `png`),
  /// creating missing directories. Throws InputError if it cannot be written.
  void save_png(const std::filesystem::path& png) const;

 private:
  /// The pixels `bounds` touches that may be drawn: inside the canvas and the clip rectangle.
  Mask mask_for(double x0, double y0, double x1, double y1) const;
  /// Blends `color` into every pixel of the mask by its coverage, clamped to 1.
  void blend(const Mask& mask, Rgb color);

  int width_;
  int height_;
  int clip_left_ = 0, clip_top_ = 0, clip_right_, clip_bottom_;
  std::vector<std::uint8_t> rgb_;
};

}  // namespace emomusic::plot
