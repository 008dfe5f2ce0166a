#include "test_media.hpp"

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>
#include <stdexcept>

#include "test_support.hpp"

namespace emomusic::test {

void write_still_video(const std::filesystem::path& path, const std::filesystem::path& photo,
                       int frames) {
  const cv::Mat image = cv::imread(photo.string(), cv::IMREAD_COLOR);
  if (image.empty()) throw std::runtime_error("cannot read " + photo.string());
  const cv::Mat even = image(cv::Rect(0, 0, image.cols & ~1, image.rows & ~1));
  cv::VideoWriter w(path.string(), cv::VideoWriter::fourcc('M', 'J', 'P', 'G'), 10, even.size());
  if (!w.isOpened()) throw std::runtime_error("cannot write " + path.string());
  for (int i = 0; i < frames; ++i) w.write(even);
}

void write_video_with_bad_frames(const std::filesystem::path& path, int frames,
                                 const std::vector<int>& bad) {
  {
    cv::VideoWriter w(path.string(), cv::VideoWriter::fourcc('M', 'J', 'P', 'G'), 10,
                      cv::Size(64, 48));
    if (!w.isOpened()) throw std::runtime_error("cannot write " + path.string());
    for (int i = 0; i < frames; ++i) {
      cv::Mat m(48, 64, CV_8UC3, cv::Scalar(i * 20 % 256, 100, 50));
      cv::circle(m, {32, 24}, 10, {255, 255, 255}, -1);
      w.write(m);
    }
  }
  std::string bytes = read_file(path);
  // Each frame is a JPEG starting with SOI (FF D8); AVI chunk headers are 8 bytes, so ending 16
  // bytes before the next SOI keeps the next frame's chunk header intact.
  std::vector<std::size_t> soi;
  for (std::size_t i = 0; i + 1 < bytes.size(); ++i) {
    if (static_cast<unsigned char>(bytes[i]) == 0xFF &&
        static_cast<unsigned char>(bytes[i + 1]) == 0xD8) {
      soi.push_back(i);
    }
  }
  if (soi.size() != static_cast<std::size_t>(frames)) {
    throw std::runtime_error("expected one JPEG per frame in " + path.string());
  }
  for (int k : bad) {
    const std::size_t end =
        static_cast<std::size_t>(k) + 1 < soi.size() ? soi[k + 1] - 16 : bytes.size() - 200;
    for (std::size_t j = soi[k]; j < end; ++j) bytes[j] = 0;
  }
  write_file(path, bytes);
}

namespace {

std::uint32_t crc32(const std::string& data) {
  std::uint32_t c = 0xFFFFFFFFu;
  for (unsigned char b : data) {
    c ^= b;
    for (int k = 0; k < 8; ++k) c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
  }
  return ~c;
}

void put_be32(std::string& s, std::size_t at, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) s[at + i] = static_cast<char>((v >> (24 - 8 * i)) & 0xFF);
}

}  // namespace

std::string png_declaring(unsigned width, unsigned height) {
  std::vector<uchar> buf;
  cv::imencode(".png", cv::Mat(4, 4, CV_8UC1, cv::Scalar(128)), buf);
  std::string png(buf.begin(), buf.end());
  put_be32(png, 16, width);
  put_be32(png, 20, height);
  put_be32(png, 29, crc32(png.substr(12, 17)));  // CRC over "IHDR" and its 13 data bytes
  return png;
}

}  // namespace emomusic::test
