// Every way an input can be wrong gets its own clear error.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/videoio.hpp>

#include "emomusic/core/error.hpp"
#include "emomusic/vision/detect_run.hpp"
#include "emomusic/vision/image_inputs.hpp"
#include "emomusic/vision/video_source.hpp"
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

}  // namespace emomusic::vision
