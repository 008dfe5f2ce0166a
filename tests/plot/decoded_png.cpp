#include "decoded_png.hpp"

#include <stdexcept>

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wshadow"
#define STB_IMAGE_IMPLEMENTATION
#define STB_IMAGE_STATIC
#define STBI_ONLY_PNG
#include <stb_image.h>
#pragma GCC diagnostic pop

namespace emomusic::plot::test {

Rgb DecodedPng::at(int x, int y) const {
  const std::size_t i = (static_cast<std::size_t>(y) * width + x) * 3;
  return {rgb.at(i), rgb.at(i + 1), rgb.at(i + 2)};
}

DecodedPng read_png(const std::filesystem::path& png) {
  DecodedPng out;
  int channels = 0;
  unsigned char* data = stbi_load(png.c_str(), &out.width, &out.height, &channels, 3);
  if (data == nullptr) {
    throw std::runtime_error("cannot decode " + png.string() + ": " + stbi_failure_reason());
  }
  out.rgb.assign(data, data + static_cast<std::size_t>(out.width) * out.height * 3);
  stbi_image_free(data);
  return out;
}

int files_in(const std::filesystem::path& dir) {
  int n = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir)) ++n;
  return n;
}

}  // namespace emomusic::plot::test
