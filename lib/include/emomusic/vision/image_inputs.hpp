#pragma once
/// @file
/// Still images: finding them in folders and decoding them, with a precise error per bad file.

#include <filesystem>
#include <opencv2/core.hpp>
#include <string>
#include <vector>

namespace emomusic::vision {

/// Whether the name ends in an image extension --dir picks up (jpg, jpeg, png, bmp, tif, tiff,
/// webp; any case).
bool has_image_extension(const std::filesystem::path& file);

/// Image files under `dir` and its subfolders, sorted. Throws InputError when `dir` is missing or
/// not a folder.
std::vector<std::filesystem::path> list_images(const std::filesystem::path& dir);

/// Decodes an image file, or standard input for "-", to 8-bit BGR. Throws InputError naming the
/// file and saying what is wrong: missing, a folder, zero bytes, unreadable, or not an image.
cv::Mat read_image(const std::filesystem::path& file);

/// Decodes encoded image bytes (JPEG, PNG, …); `name` is used in the InputError.
cv::Mat decode_image(const std::string& bytes, const std::string& name);

}  // namespace emomusic::vision
