#pragma once
/// @file
/// Still images: finding them in folders and decoding them, with a precise error per bad file.

#include <cstdint>
#include <filesystem>
#include <opencv2/core.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace emomusic::vision {

/// The largest image decoded, in pixels (width × height). An image file is untrusted input: a
/// 100-byte PNG can declare 30000×30000 pixels and make the decoder allocate gigabytes. Checked
/// from the file's header, before decoding.
inline constexpr std::int64_t kMaxImagePixels = 50'000'000;
/// The largest image file read: room for the largest allowed image stored uncompressed at 4 bytes
/// a pixel, plus metadata. Stops a huge file or an endless stream (/dev/zero) being read to memory.
inline constexpr std::int64_t kMaxImageBytes = 4 * kMaxImagePixels + (8 << 20);

/// What an image file's header says, read without decoding.
struct ImageHeader {
  std::string format;  ///< "JPEG", "PNG", "BMP", "TIFF", "WebP" or "PNM"
  std::int64_t width = 0;
  std::int64_t height = 0;
  /// False when the data visibly stops early: a JPEG without its end-of-image marker after the
  /// scan, a PNG without its IEND chunk. (OpenCV decodes such files with a warning, grey where
  /// the data is missing.) Always true for the other formats.
  bool complete = true;
};

/// The header of encoded image bytes; nullopt when they are not one of the formats above or the
/// header itself is cut short or malformed.
std::optional<ImageHeader> read_image_header(std::string_view bytes);

/// Whether the name ends in an image extension --dir picks up (jpg, jpeg, png, bmp, tif, tiff,
/// webp; any case).
bool has_image_extension(const std::filesystem::path& file);

/// Image files under `dir` and its subfolders, sorted. Throws InputError when `dir` is missing or
/// not a folder.
std::vector<std::filesystem::path> list_images(const std::filesystem::path& dir);

/// Decodes an image file, or standard input for "-", to 8-bit BGR. Throws InputError naming the
/// file and saying what is wrong: missing, a folder, zero bytes, unreadable, larger than
/// kMaxImageBytes, or what decode_image() refuses.
cv::Mat read_image(const std::filesystem::path& file);

/// Decodes encoded image bytes (JPEG, PNG, BMP, TIFF, WebP or PNM; other formats are refused
/// unread); `name` is used in the InputError, which also says when the header declares more than
/// `max_pixels` (at most kMaxImagePixels) or the file is truncated.
cv::Mat decode_image(const std::string& bytes, const std::string& name,
                     std::int64_t max_pixels = kMaxImagePixels);

}  // namespace emomusic::vision
