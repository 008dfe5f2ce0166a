#include "emomusic/vision/image_inputs.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <iterator>
#include <opencv2/imgcodecs.hpp>

#include "emomusic/core/bounded_input.hpp"
#include "emomusic/core/error.hpp"
#include "emomusic/core/text.hpp"

namespace emomusic::vision {
namespace fs = std::filesystem;

namespace {

// Byte readers that answer 0 past the end: every caller checks the size it needs first.
std::uint32_t u8(std::string_view b, std::size_t i) {
  return i < b.size() ? static_cast<unsigned char>(b[i]) : 0u;
}
std::uint32_t be16(std::string_view b, std::size_t i) {
  return (u8(b, i) << 8) | u8(b, i + 1);
}
std::uint32_t be32(std::string_view b, std::size_t i) {
  return (be16(b, i) << 16) | be16(b, i + 2);
}
std::uint32_t le16(std::string_view b, std::size_t i) {
  return u8(b, i) | (u8(b, i + 1) << 8);
}
std::uint32_t le24(std::string_view b, std::size_t i) {
  return le16(b, i) | (u8(b, i + 2) << 16);
}
std::uint32_t le32(std::string_view b, std::size_t i) {
  return le16(b, i) | (le16(b, i + 2) << 16);
}

bool starts_with(std::string_view b, std::string_view prefix) {
  return b.substr(0, prefix.size()) == prefix;
}

std::optional<ImageHeader> jpeg_header(std::string_view b) {
  // Segments after SOI (FFD8): FF marker, then a big-endian length that counts itself.
  std::optional<ImageHeader> h;
  std::size_t pos = 2;
  while (pos + 4 <= b.size()) {
    if (u8(b, pos) != 0xFF) return std::nullopt;
    const auto marker = u8(b, pos + 1);
    if (marker == 0xFF) {  // fill byte
      ++pos;
      continue;
    }
    if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {  // no length
      pos += 2;
      continue;
    }
    const std::size_t length = be16(b, pos + 2);
    if (length < 2) return std::nullopt;
    const bool sof =
        marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
    if (sof) {
      if (pos + 9 > b.size()) return std::nullopt;
      h = ImageHeader{"JPEG", be16(b, pos + 7), be16(b, pos + 5), false};
    }
    if (marker == 0xDA) {  // start of scan: the coded data, which ends with EOI (FFD9)
      if (!h) return std::nullopt;
      // Inside coded data an FF byte is always followed by 00 or a restart marker, so FFD9
      // there is the end-of-image marker and nothing else.
      h->complete = b.find("\xFF\xD9", pos + 2 + length) != std::string_view::npos;
      return h;
    }
    pos += 2 + length;
  }
  if (h) h->complete = false;  // cut before the scan
  return h;
}

std::optional<ImageHeader> png_header(std::string_view b) {
  if (b.size() < 24 || b.substr(12, 4) != "IHDR") return std::nullopt;
  ImageHeader h{"PNG", be32(b, 16), be32(b, 20), true};
  // The file ends with an empty IEND chunk (length 0, "IEND", CRC).
  const auto iend = b.rfind("IEND");
  h.complete = iend != std::string_view::npos && iend >= 33 + 4 &&
               b.substr(iend - 4, 4) == std::string_view("\0\0\0\0", 4);
  return h;
}

std::optional<ImageHeader> bmp_header(std::string_view b) {
  if (b.size() < 26) return std::nullopt;
  if (le32(b, 14) == 12) {  // OS/2 BITMAPCOREHEADER: 16-bit sizes
    return ImageHeader{"BMP", le16(b, 18), le16(b, 20), true};
  }
  const auto width = static_cast<std::int32_t>(le32(b, 18));
  const auto height = static_cast<std::int32_t>(le32(b, 22));  // negative: stored top-down
  if (width <= 0 || height == 0 || height == INT32_MIN) return std::nullopt;
  return ImageHeader{"BMP", width, height < 0 ? -static_cast<std::int64_t>(height) : height, true};
}

std::optional<ImageHeader> webp_header(std::string_view b) {
  if (b.size() < 30) return std::nullopt;
  const auto chunk = b.substr(12, 4);
  if (chunk == "VP8 ") return ImageHeader{"WebP", le16(b, 26) & 0x3FFF, le16(b, 28) & 0x3FFF};
  if (chunk == "VP8L") {
    const auto bits = le32(b, 21);
    return ImageHeader{"WebP", (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1};
  }
  if (chunk == "VP8X") return ImageHeader{"WebP", le24(b, 24) + 1, le24(b, 27) + 1};
  return std::nullopt;
}

std::optional<ImageHeader> tiff_header(std::string_view b) {
  const bool little = b[0] == 'I';
  const auto r16 = [&](std::size_t i) { return little ? le16(b, i) : be16(b, i); };
  const auto r32 = [&](std::size_t i) { return little ? le32(b, i) : be32(b, i); };
  const std::size_t ifd = r32(4);
  if (ifd < 8 || ifd + 2 > b.size()) return std::nullopt;
  const std::size_t entries = r16(ifd);
  std::int64_t width = -1, height = -1;
  for (std::size_t e = 0; e < entries; ++e) {
    const std::size_t at = ifd + 2 + 12 * e;
    if (at + 12 > b.size()) return std::nullopt;
    const auto tag = r16(at);
    const auto type = r16(at + 2);
    if (tag != 256 && tag != 257) continue;
    const std::int64_t value = type == 3 ? r16(at + 8) : type == 4 ? r32(at + 8) : -1;
    (tag == 256 ? width : height) = value;
  }
  if (width < 0 || height < 0) return std::nullopt;
  return ImageHeader{"TIFF", width, height, true};
}

std::optional<ImageHeader> pnm_header(std::string_view b) {
  // "P5 64 48 255": magic, then width and height as decimals, with whitespace and # comments.
  std::size_t pos = 2;
  std::int64_t dims[2] = {0, 0};
  for (auto& d : dims) {
    while (pos < b.size() && (std::isspace(static_cast<unsigned char>(b[pos])) || b[pos] == '#')) {
      if (b[pos] == '#') {
        pos = b.find('\n', pos);
        if (pos == std::string_view::npos) return std::nullopt;
      }
      ++pos;
    }
    const std::size_t start = pos;
    d = 0;
    while (pos < b.size() && std::isdigit(static_cast<unsigned char>(b[pos])) && pos - start < 10) {
      d = d * 10 + (b[pos++] - '0');
    }
    if (pos == start) return std::nullopt;
  }
  return ImageHeader{"PNM", dims[0], dims[1], true};
}

}  // namespace

std::optional<ImageHeader> read_image_header(std::string_view b) {
  if (starts_with(b, "\xFF\xD8\xFF")) return jpeg_header(b);
  if (starts_with(b, "\x89PNG\r\n\x1A\n")) return png_header(b);
  if (starts_with(b, "BM")) return bmp_header(b);
  if (starts_with(b, "RIFF") && b.substr(8, 4) == "WEBP") return webp_header(b);
  if (starts_with(b, std::string_view("II*\0", 4)) ||
      starts_with(b, std::string_view("MM\0*", 4))) {
    return tiff_header(b);
  }
  if (b.size() > 2 && b[0] == 'P' && b[1] >= '1' && b[1] <= '6') return pnm_header(b);
  return std::nullopt;
}

bool has_image_extension(const fs::path& file) {
  const std::string ext = ascii_lower(file.extension().string());
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

cv::Mat decode_image(const std::string& bytes, const std::string& name, std::int64_t max_pixels) {
  max_pixels = std::min(max_pixels, kMaxImagePixels);
  if (bytes.empty()) throw InputError(name + " is empty (0 bytes)");
  const auto header = read_image_header(bytes);
  // Only formats whose size can be read first are handed to OpenCV; its other decoders (EXR,
  // HDR, JPEG 2000, …) would allocate whatever their file declares.
  if (!header) {
    throw InputError(name +
                     " is not an image OpenCV can decode (expected JPEG, PNG, BMP, TIFF, "
                     "WebP or PNM)");
  }
  if (header->width <= 0 || header->height <= 0) {
    throw InputError(fmt::format("{} is a {} image of {}×{} pixels, which is malformed", name,
                                 header->format, header->width, header->height));
  }
  // Each side first: two 32-bit sides could overflow the product.
  if (header->width > max_pixels || header->height > max_pixels ||
      header->width * header->height > max_pixels) {
    throw InputError(fmt::format(
        "{} is a {} image of {}×{} pixels ({:.0f} megapixels), more than the limit of {} "
        "megapixels",
        name, header->format, header->width, header->height, header->width * header->height / 1e6,
        max_pixels / 1'000'000));
  }
  if (!header->complete) {
    throw InputError(name + " is a truncated " + header->format +
                     " file (its data stops before the end marker)");
  }
  const cv::Mat encoded(1, static_cast<int>(bytes.size()), CV_8UC1,
                        const_cast<char*>(bytes.data()));
  cv::Mat image;
  try {
    image = cv::imdecode(encoded, cv::IMREAD_COLOR);
  } catch (const cv::Exception&) {
    image.release();  // a corrupt file can make a decoder throw rather than return nothing
  }
  if (image.empty()) {
    throw InputError(name + " is not an image OpenCV can decode (corrupt " + header->format +
                     " data)");
  }
  return image;
}

namespace {

// At most kMaxImageBytes: a larger file or an endless stream is an error, not an allocation of
// everything it holds.
constexpr InputLimit kImageFileLimit{static_cast<std::uint64_t>(kMaxImageBytes), "image file"};

}  // namespace

cv::Mat read_image(const fs::path& file) {
  if (file == "-") return decode_image(read_bounded(file, kImageFileLimit), "standard input");
  std::error_code ec;
  if (!fs::exists(file, ec)) throw InputError(file.string() + " does not exist");
  if (fs::is_directory(file, ec)) {
    throw InputError(file.string() + " is a folder, not an image file");
  }
  const auto size =
      fs::file_size(file, ec);  // fails for pipes and devices: read_bounded stops them
  if (!ec && size > static_cast<std::uintmax_t>(kMaxImageBytes)) {
    throw InputError(fmt::format("{} is {} MB, larger than the limit of {} MB for an image file",
                                 file.string(), size / 1'000'000, kMaxImageBytes / 1'000'000));
  }
  return decode_image(read_bounded(file, kImageFileLimit), file.string());
}

}  // namespace emomusic::vision
