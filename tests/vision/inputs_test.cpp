// Every way an input can be wrong gets its own clear error.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/videoio.hpp>

#include "emomusic/core/error.hpp"
#include "emomusic/vision/detect_run.hpp"
#include "emomusic/vision/face_detector.hpp"
#include "emomusic/vision/image_inputs.hpp"
#include "emomusic/vision/video_source.hpp"
#include "test_media.hpp"
#include "test_support.hpp"

namespace emomusic::vision {
namespace fs = std::filesystem;

namespace {

// The error message of `f`, which must throw E.
template <typename E, typename F>
std::string message_of(F f) {
  try {
    f();
  } catch (const E& e) {
    return e.what();
  }
  ADD_FAILURE() << "no exception";
  return {};
}

}  // namespace

TEST(ImageInputs, DirListsImagesRecursivelyByExtension) {
  test::TempDir dir;
  for (const char* name :
       {"a.jpg", "b.PNG", "sub/c.bmp", "sub/deeper/d.tiff", "e.webp", "f.tif", "g.jpeg"}) {
    fs::create_directories((dir.path() / name).parent_path());
    test::write_file(dir / name, "x");
  }
  test::write_file(dir / "notes.txt", "x");
  test::write_file(dir / "sub/model.safetensors", "x");
  const auto images = list_images(dir.path());
  std::vector<std::string> names;
  for (const auto& p : images) names.push_back(fs::relative(p, dir.path()).string());
  EXPECT_EQ(names, (std::vector<std::string>{"a.jpg", "b.PNG", "e.webp", "f.tif", "g.jpeg",
                                             "sub/c.bmp", "sub/deeper/d.tiff"}));
  EXPECT_THROW(list_images(dir / "nope"), InputError);
  EXPECT_THROW(list_images(dir / "a.jpg"), InputError);
}

TEST(ImageInputs, ReadsImagesAsBgr) {
  test::TempDir dir;
  const cv::Mat img(6, 10, CV_8UC3, cv::Scalar(10, 20, 30));
  cv::imwrite((dir / "x.png").string(), img);
  const cv::Mat back = read_image(dir / "x.png");
  ASSERT_EQ(back.size(), img.size());
  EXPECT_EQ(back.at<cv::Vec3b>(0, 0), cv::Vec3b(10, 20, 30));
  // Grayscale files come back as 3 channels, like every other input.
  cv::imwrite((dir / "g.png").string(), cv::Mat(4, 4, CV_8UC1, cv::Scalar(9)));
  EXPECT_EQ(read_image(dir / "g.png").channels(), 3);
}

TEST(ImageInputs, EachBadFileHasItsOwnMessage) {
  test::TempDir dir;
  EXPECT_NE(message_of<InputError>([&] { read_image(dir / "missing.jpg"); }).find("does not exist"),
            std::string::npos);
  test::write_file(dir / "empty.jpg", "");
  EXPECT_NE(message_of<InputError>([&] { read_image(dir / "empty.jpg"); }).find("0 bytes"),
            std::string::npos);
  test::write_file(dir / "text.jpg", "this is not an image");
  EXPECT_NE(message_of<InputError>([&] { read_image(dir / "text.jpg"); }).find("not an image"),
            std::string::npos);
  // A JPEG cut in half decodes to nothing or throws inside OpenCV; either way an InputError.
  std::vector<uchar> jpeg;
  cv::imencode(".jpg", cv::Mat(64, 64, CV_8UC3, cv::Scalar(1, 2, 3)), jpeg);
  test::write_file(dir / "cut.jpg", std::string(jpeg.begin(), jpeg.begin() + 20));
  EXPECT_THROW(read_image(dir / "cut.jpg"), InputError);
  EXPECT_NE(message_of<InputError>([&] { read_image(dir.path()); }).find("folder"),
            std::string::npos);
  test::write_file(dir / "locked.png", "x");
  fs::permissions(dir / "locked.png", fs::perms::none);
  if (::geteuid() != 0) {  // root reads any file
    EXPECT_NE(
        message_of<InputError>([&] { read_image(dir / "locked.png"); }).find("cannot be read"),
        std::string::npos);
  }
}

// The header parsers, against what OpenCV itself writes in each format.
TEST(ImageInputs, HeaderGivesFormatAndSizeWithoutDecoding) {
  const cv::Mat colour(37, 53, CV_8UC3, cv::Scalar(1, 2, 3));
  const cv::Mat grey(37, 53, CV_8UC1, cv::Scalar(7));
  for (const auto& [ext, format] :
       std::vector<std::pair<std::string, std::string>>{{".jpg", "JPEG"},
                                                        {".png", "PNG"},
                                                        {".bmp", "BMP"},
                                                        {".tiff", "TIFF"},
                                                        {".webp", "WebP"},
                                                        {".pgm", "PNM"},
                                                        {".ppm", "PNM"}}) {
    std::vector<uchar> buf;
    ASSERT_TRUE(cv::imencode(ext, ext == ".pgm" ? grey : colour, buf)) << ext;
    const auto h = read_image_header(std::string(buf.begin(), buf.end()));
    ASSERT_TRUE(h) << ext;
    EXPECT_EQ(h->format, format);
    EXPECT_EQ(h->width, 53) << ext;
    EXPECT_EQ(h->height, 37) << ext;
    EXPECT_TRUE(h->complete) << ext;
  }
  EXPECT_FALSE(read_image_header("GIF89a......"));
  EXPECT_FALSE(read_image_header("\x89PNG\r\n\x1A\n"));  // cut in the header
}

// A 100-byte PNG declaring 30000×30000 pixels made detect allocate 3.6 GB.
TEST(ImageInputs, ImageDeclaringTooManyPixelsIsRefusedBeforeDecoding) {
  test::TempDir dir;
  test::write_file(dir / "huge.png", test::png_declaring(30000, 30000));
  const auto m = message_of<InputError>([&] { read_image(dir / "huge.png"); });
  EXPECT_NE(m.find("huge.png"), std::string::npos) << m;
  EXPECT_NE(m.find("30000×30000"), std::string::npos) << m;
  EXPECT_NE(m.find("megapixels"), std::string::npos) << m;
  // Just under the limit is only a size, not an error of its own (this one fails later, as a
  // PNG whose data does not fill it).
  EXPECT_EQ(read_image_header(test::png_declaring(5000, 10000))->width, 5000);
}

// OpenCV decodes a cut JPEG with a warning, grey below the cut: that was "no face found".
TEST(ImageInputs, TruncatedJpegAndPngAreBadImages) {
  test::TempDir dir;
  cv::Mat noise(64, 64, CV_8UC3);
  cv::randu(noise, 0, 256);
  for (const std::string ext : {".jpg", ".png"}) {
    std::vector<uchar> buf;
    cv::imencode(ext, noise, buf);
    const std::string name = "cut" + ext;
    test::write_file(dir / name, std::string(buf.begin(), buf.begin() + buf.size() * 7 / 10));
    const auto m = message_of<InputError>([&] { read_image(dir / name); });
    EXPECT_NE(m.find(name), std::string::npos) << m;
    EXPECT_NE(m.find("truncated"), std::string::npos) << m;
    test::write_file(dir / ("whole" + ext), std::string(buf.begin(), buf.end()));
    EXPECT_EQ(read_image(dir / ("whole" + ext)).size(), noise.size());
  }
}

// A file of any size was read whole into memory (/dev/zero, a 10 GB file) before decoding.
TEST(ImageInputs, FileLargerThanTheLimitIsRefusedUnread) {
  test::TempDir dir;
  { std::ofstream(dir / "big.png"); }
  fs::resize_file(dir / "big.png", kMaxImageBytes + 1);  // sparse: no disk used
  const auto m = message_of<InputError>([&] { read_image(dir / "big.png"); });
  EXPECT_NE(m.find("big.png"), std::string::npos) << m;
  EXPECT_NE(m.find("limit"), std::string::npos) << m;
  if (fs::exists("/dev/zero")) {
    EXPECT_NE(message_of<InputError>([&] { read_image("/dev/zero"); }).find("limit"),
              std::string::npos);
  }
}

// A malformed cascade made OpenCV's parser throw through: "internal error", exit 1.
TEST(FaceDetectorInput, MalformedCascadeIsAModelErrorNamingIt) {
  test::TempDir dir;
  test::write_file(dir / "bad.xml", "<?xml version=\"1.0\"?>\n<opencv_storage><cascade><height>x");
  test::write_file(dir / "junk.xml", "junk");
  for (const char* name : {"bad.xml", "junk.xml"}) {
    DetectorOptions o;
    o.cascade = dir / name;
    const auto m = message_of<ModelError>([&] { FaceDetector detector(o); });
    EXPECT_NE(m.find(name), std::string::npos) << m;
  }
}

TEST(VideoInputs, MissingCameraIsUnavailable) {
  const auto m = message_of<UnavailableError>([] { VideoSource::camera(97); });
  EXPECT_NE(m.find("/dev/video97"), std::string::npos) << m;
}

TEST(VideoInputs, BadVideoFilesAreInputErrors) {
  test::TempDir dir;
  EXPECT_NE(message_of<InputError>([&] {
              VideoSource::open((dir / "no.avi").string());
            }).find("does not exist"),
            std::string::npos);
  test::write_file(dir / "empty.avi", "");
  EXPECT_NE(message_of<InputError>([&] {
              VideoSource::open((dir / "empty.avi").string());
            }).find("0 bytes"),
            std::string::npos);
  test::write_file(dir / "text.avi", std::string(4096, 'x'));
  EXPECT_THROW(VideoSource::open((dir / "text.avi").string()), InputError);
}

TEST(VideoInputs, FramesCarryIndexAndVideoTime) {
  test::TempDir dir;
  const auto path = (dir / "v.avi").string();
  {
    cv::VideoWriter w(path, cv::VideoWriter::fourcc('M', 'J', 'P', 'G'), 10, cv::Size(64, 48));
    ASSERT_TRUE(w.isOpened());
    for (int i = 0; i < 5; ++i) w.write(cv::Mat(48, 64, CV_8UC3, cv::Scalar(i * 40, 0, 0)));
  }
  auto source = VideoSource::open(path);
  EXPECT_FALSE(source.live());
  EXPECT_DOUBLE_EQ(source.fps(), 10.0);
  Frame f;
  int n = 0;
  while (source.read(f)) {
    EXPECT_EQ(f.index, n);
    EXPECT_DOUBLE_EQ(f.time_s, n / 10.0);
    EXPECT_EQ(f.image.size(), cv::Size(64, 48));
    ++n;
  }
  EXPECT_EQ(n, 5);
}

TEST(Display, ShowFailsClearlyWithoutADisplay) {
  const char* display = std::getenv("DISPLAY");
  const char* wayland = std::getenv("WAYLAND_DISPLAY");
  const std::string saved_display = display ? display : "";
  const std::string saved_wayland = wayland ? wayland : "";
  ::unsetenv("DISPLAY");
  ::unsetenv("WAYLAND_DISPLAY");
  const auto m = message_of<UnavailableError>([] { require_display(); });
  EXPECT_NE(m.find("DISPLAY"), std::string::npos);
  if (display) ::setenv("DISPLAY", saved_display.c_str(), 1);
  if (wayland) ::setenv("WAYLAND_DISPLAY", saved_wayland.c_str(), 1);
}

// Frames that do not decode in the middle of a file were taken for its end: the rest was lost.
TEST(VideoInputs, UndecodableFramesAreSkippedAndTheRestIsRead) {
  test::TempDir dir;
  const auto path = (dir / "holes.avi").string();
  test::write_video_with_bad_frames(path, 10, {0, 3, 4, 7});
  auto source = VideoSource::open(path);
  Frame f;
  std::vector<std::int64_t> read;
  while (source.read(f)) {
    read.push_back(f.index);
    EXPECT_DOUBLE_EQ(f.time_s, f.index / 10.0);
  }
  EXPECT_EQ(read, (std::vector<std::int64_t>{1, 2, 5, 6, 8, 9}));
  EXPECT_EQ(source.bad_frames(), (std::vector<std::int64_t>{0, 3, 4, 7}));
  EXPECT_EQ(source.missing_at_end(), 0);
  EXPECT_FALSE(source.read(f));  // the end stays the end

  // A broken last frame is not a frame in the middle: reported apart, not counted as bad.
  test::write_video_with_bad_frames(path, 5, {4});
  auto tail = VideoSource::open(path);
  int n = 0;
  while (tail.read(f)) ++n;
  EXPECT_EQ(n, 4);
  EXPECT_TRUE(tail.bad_frames().empty());
  EXPECT_EQ(tail.missing_at_end(), 1);
}

// A long run of broken frames ends the read after VideoSource::kMaxConsecutiveBadFrames, rather
// than trying every frame the header promises.
TEST(VideoInputs, ConsecutiveBadFramesAreBounded) {
  test::TempDir dir;
  const auto path = (dir / "broken.avi").string();
  const int frames = VideoSource::kMaxConsecutiveBadFrames + 20;
  std::vector<int> bad;
  for (int i = 1; i < frames; ++i) bad.push_back(i);
  test::write_video_with_bad_frames(path, frames, bad);
  auto source = VideoSource::open(path);
  Frame f;
  ASSERT_TRUE(source.read(f));
  EXPECT_FALSE(source.read(f));
  EXPECT_TRUE(source.bad_frames().empty());  // none proved to be in the middle
  EXPECT_GT(source.missing_at_end(), 0);
}

}  // namespace emomusic::vision
