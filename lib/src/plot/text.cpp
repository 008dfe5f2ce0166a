// Text for Canvas, built from the rectangles of stb_easy_font's stroke font so that no font file
// has to be found at run time. The rectangles are rasterised with exact area coverage, which keeps
// the font legible when scaled to any height.
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "emomusic/plot/canvas.hpp"
#include "mask.hpp"

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wshadow"
#include <stb_easy_font.h>
#pragma GCC diagnostic pop

namespace emomusic::plot {

namespace {

// stb_easy_font's units: capital letters span y = 0..7, lines are 12 apart, and every advance
// ends in a gap that is not part of the visible text.
constexpr double kCapHeight = 7.0;
constexpr double kLineAdvance = 12.0;
constexpr double kTrailingGap = 1.0;
constexpr double kBoldSmear = 0.5;
constexpr std::size_t kMaxQuadsPerChar = 11;

std::string printable(const std::string& text) {
  std::string out = text;
  for (char& c : out) {
    if (c != '\n' && (c < 32 || c > 126)) c = '?';
  }
  return out;
}

/// The glyph rectangles of `text` in font units, origin at the top-left of the first capital.
std::vector<Box> glyph_boxes(const std::string& text) {
  std::string copy = printable(text);
  // No printable character needs more than 11 quads of 64 bytes; a short buffer would truncate.
  std::vector<char> buffer(copy.size() * kMaxQuadsPerChar * 64 + 64);
  const int quads = stb_easy_font_print(0, 0, copy.data(), nullptr, buffer.data(),
                                        static_cast<int>(buffer.size()));
  std::vector<Box> boxes;
  boxes.reserve(static_cast<std::size_t>(quads));
  for (int q = 0; q < quads; ++q) {
    // Each quad is 4 vertices of {float x, y, z; uint8 rgba[4]}; vertices 0 and 2 are opposite.
    const char* v = buffer.data() + static_cast<std::size_t>(q) * 64;
    float x0, y0, x1, y1;
    std::copy_n(v, sizeof(float), reinterpret_cast<char*>(&x0));
    std::copy_n(v + 4, sizeof(float), reinterpret_cast<char*>(&y0));
    std::copy_n(v + 32, sizeof(float), reinterpret_cast<char*>(&x1));
    std::copy_n(v + 36, sizeof(float), reinterpret_cast<char*>(&y1));
    boxes.push_back({x0, y0, x1, y1});
  }
  return boxes;
}

double width_units(const std::string& text) {
  std::string copy = printable(text);
  return std::max(0.0, stb_easy_font_width(copy.data()) - kTrailingGap);
}

int line_count(const std::string& text) {
  return 1 + static_cast<int>(std::count(text.begin(), text.end(), '\n'));
}

}  // namespace

double Canvas::text_width(const std::string& text, double height) {
  return width_units(text) * height / kCapHeight;
}

void Canvas::draw_text(const std::string& text, double x, double y, const TextStyle& style) {
  if (text.empty() || style.height <= 0) return;
  const double scale = style.height / kCapHeight;
  // Alignment offsets in font units, along (u) and across (v) the text direction.
  const double width = width_units(text);
  const double block = kCapHeight + (line_count(text) - 1) * kLineAdvance;
  const double u0 = style.h_align == HAlign::kLeft     ? 0.0
                    : style.h_align == HAlign::kCenter ? -width / 2
                                                       : -width;
  const double v0 = style.v_align == VAlign::kTop      ? 0.0
                    : style.v_align == VAlign::kMiddle ? -block / 2
                                                       : -block;
  const bool up = style.direction == TextDirection::kUp;

  std::vector<Box> boxes = glyph_boxes(text);
  if (boxes.empty()) return;
  for (Box& b : boxes) {
    // Smearing each stroke along the text thickens the vertical strokes, as bold type does.
    if (style.bold) b.x1 += kBoldSmear;
    const Box along{(b.x0 + u0) * scale, (b.y0 + v0) * scale, (b.x1 + u0) * scale,
                    (b.y1 + v0) * scale};
    // Turning counter-clockwise maps (u, v) to (v, -u) on the canvas.
    b = up ? Box{x + along.y0, y - along.x1, x + along.y1, y - along.x0}
           : Box{x + along.x0, y + along.y0, x + along.x1, y + along.y1};
  }
  Box bounds = boxes[0];
  for (const Box& b : boxes) {
    bounds = {std::min(bounds.x0, b.x0), std::min(bounds.y0, b.y0), std::max(bounds.x1, b.x1),
              std::max(bounds.y1, b.y1)};
  }
  Mask mask = mask_for(bounds.x0, bounds.y0, bounds.x1, bounds.y1);
  if (mask.empty()) return;
  // Glyph strokes abut, so their coverage is summed: maxing would leave a faint seam at each join.
  for (const Box& b : boxes) mask.add_box(b);
  blend(mask, style.color);
}

}  // namespace emomusic::plot
