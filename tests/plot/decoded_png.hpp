#pragma once
// Reads the PNGs the plot area writes back through an independent decoder (stb_image).

#include <cstdint>
#include <filesystem>
#include <vector>

#include "emomusic/plot/canvas.hpp"

namespace emomusic::plot::test {

struct DecodedPng {
  int width = 0;
  int height = 0;
  std::vector<std::uint8_t> rgb;
  Rgb at(int x, int y) const;
  /// How many pixels satisfy `predicate` inside [x0, x1) x [y0, y1).
  template <typename Predicate>
  int count(int x0, int y0, int x1, int y1, Predicate predicate) const {
    int n = 0;
    for (int y = y0; y < y1; ++y) {
      for (int x = x0; x < x1; ++x) n += predicate(at(x, y)) ? 1 : 0;
    }
    return n;
  }
};

/// Throws std::runtime_error if the file is not a decodable PNG.
DecodedPng read_png(const std::filesystem::path& png);

int files_in(const std::filesystem::path& dir);

}  // namespace emomusic::plot::test
