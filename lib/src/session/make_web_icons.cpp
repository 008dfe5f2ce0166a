// Draws the page's icon at build time (the home screen's, web/manifest.webmanifest, and the
// tab's) from one list of shapes, as icon.svg and as the PNGs the manifest lists, so that they
// agree and no image is kept in the sources. Usage: make_web_icons OUTPUT_FOLDER
//
// The icon: two beamed eighth notes over a smile, in white and the page's "happy" yellow on its
// accent blue, filling the square (a home screen crops it to its own shape, keeping at least the
// centred circle of 80% of the side, where everything is drawn).

#include <fmt/format.h>

#include <cmath>
#include <filesystem>
#include <iostream>
#include <string>
#include <utility>
#include <vector>

#include "emomusic/core/atomic_file.hpp"
#include "emomusic/plot/canvas.hpp"

namespace {

using emomusic::plot::Canvas;
using emomusic::plot::Rgb;

constexpr Rgb kAccent{0x3e, 0x63, 0xdd};  // web/style.css --accent
constexpr Rgb kNote{0xff, 0xff, 0xff};
constexpr Rgb kSmile{0xf0, 0xb4, 0x00};  // web/style.css --happy
constexpr int kPngSides[] = {192, 512};

// A round-ended path (a single point is a dot), in units of the icon's side.
struct Stroke {
  std::vector<std::pair<double, double>> points;
  double width;
  Rgb color;
};

std::vector<Stroke> shapes() {
  const double head = 0.17;  // a note head's diameter
  std::vector<Stroke> out = {
      {{{0.36, 0.62}}, head, kNote},  // heads
      {{{0.66, 0.56}}, head, kNote},
      {{{0.435, 0.62}, {0.435, 0.28}}, 0.05, kNote},  // stems
      {{{0.735, 0.56}, {0.735, 0.22}}, 0.05, kNote},
      {{{0.435, 0.28}, {0.735, 0.22}}, 0.09, kNote},  // beam
  };
  Stroke smile{{}, 0.06, kSmile};
  for (int i = 0; i <= 16; ++i) {
    const double t = i / 16.0;
    smile.points.emplace_back(0.32 + 0.36 * t, 0.80 + 0.07 * std::sin(t * M_PI));
  }
  out.push_back(smile);
  return out;
}

std::string hex(Rgb c) {
  return fmt::format("#{:02x}{:02x}{:02x}", c.r, c.g, c.b);
}

std::string svg() {
  constexpr double kSide = 512;
  std::string out = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {0} {0}\">\n"
      "<rect width=\"{0}\" height=\"{0}\" fill=\"{1}\"/>\n",
      kSide, hex(kAccent));
  for (const Stroke& s : shapes()) {
    if (s.points.size() == 1) {
      out += fmt::format("<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"{:.1f}\" fill=\"{}\"/>\n",
                         s.points[0].first * kSide, s.points[0].second * kSide, s.width * kSide / 2,
                         hex(s.color));
      continue;
    }
    std::string points;
    for (const auto& [x, y] : s.points) {
      points += fmt::format("{}{:.1f},{:.1f}", points.empty() ? "" : " ", x * kSide, y * kSide);
    }
    out += fmt::format(
        "<polyline points=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"{:.1f}\" "
        "stroke-linecap=\"round\" stroke-linejoin=\"round\"/>\n",
        points, hex(s.color), s.width * kSide);
  }
  return out + "</svg>\n";
}

void png(int side, const std::filesystem::path& path) {
  Canvas canvas(side, side, kAccent);
  for (const Stroke& s : shapes()) {
    std::vector<double> x;
    std::vector<double> y;
    for (const auto& [px, py] : s.points) {
      x.push_back(px * side);
      y.push_back(py * side);
    }
    canvas.draw_polyline(x, y, s.color, s.width * side);
  }
  canvas.save_png(path);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: make_web_icons OUTPUT_FOLDER\n";
    return 2;
  }
  const std::filesystem::path folder = argv[1];
  try {
    std::filesystem::create_directories(folder);
    emomusic::write_file_atomically(folder / "icon.svg", svg());
    for (const int side : kPngSides) png(side, folder / fmt::format("icon-{}.png", side));
  } catch (const std::exception& e) {
    std::cerr << "make_web_icons: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
