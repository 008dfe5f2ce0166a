#include "emomusic/vision/image_inputs.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <iostream>
#include <iterator>
#include <opencv2/imgcodecs.hpp>

#include "emomusic/core/error.hpp"

namespace emomusic::vision {
namespace fs = std::filesystem;

bool has_image_extension(const fs::path& file) {
  std::string ext = file.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  static const char* const kExtensions[] = {".jpg", ".jpeg", ".png", ".bmp",
                                            ".tif", ".tiff", ".webp"};
  return std::find(std::begin(kExtensions), std::end(kExtensions), ext) != std::end(kExtensions);
}

std::vector<fs::path> list_images(const fs::path& dir) {
  std::error_code ec;
  if (!fs::exists(dir, ec)) throw InputError("folder " + dir.string() + " does not exist");
  if (!fs::is_directory(dir, ec)) throw InputError(dir.string() + " is not a folder");
  std::vector<fs::path> images;
  for (auto it =
           fs::recursive_directory_iterator(dir, fs::directory_options::skip_permission_denied, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_regular_file(ec) && has_image_extension(it->path())) images.push_back(it->path());
  }
  if (ec) throw InputError("cannot list folder " + dir.string() + ": " + ec.message());
  std::sort(images.begin(), images.end());
  return images;
}

cv::Mat decode_image(const std::string& bytes, const std::string& name) {
  if (bytes.empty()) throw InputError(name + " is empty (0 bytes)");
  const cv::Mat encoded(1, static_cast<int>(bytes.size()), CV_8UC1,
                        const_cast<char*>(bytes.data()));
  cv::Mat image;
  try {
    image = cv::imdecode(encoded, cv::IMREAD_COLOR);
  } catch (const cv::Exception&) {
    image.release();  // a corrupt file can make a decoder throw rather than return nothing
  }
  if (image.empty()) {
    throw InputError(name +
                     " is not an image OpenCV can decode (expected JPEG, PNG, BMP, TIFF "
                     "or WebP)");
  }
  return image;
}

cv::Mat read_image(const fs::path& file) {
  if (file == "-") {
    const std::string bytes{std::istreambuf_iterator<char>(std::cin),
                            std::istreambuf_iterator<char>()};
    return decode_image(bytes, "standard input");
  }
  std::error_code ec;
  if (!fs::exists(file, ec)) throw InputError(file.string() + " does not exist");
  if (fs::is_directory(file, ec)) {
    throw InputError(file.string() + " is a folder; use --dir for folders");
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) throw InputError(file.string() + " cannot be read (permission denied?)");
  const std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  return decode_image(bytes, file.string());
}

}  // namespace emomusic::vision
