#include <gtest/gtest.h>

#define STB_IMAGE_WRITE_IMPLEMENTATION
#include <stb_image_write.h>

#include "emomusic/core/error.hpp"
#include "emomusic/data/loader.hpp"
#include "test_support.hpp"

namespace emomusic::data {
namespace fs = std::filesystem;
namespace {

// A grayscale image whose every pixel is `value`.
void write_png(const fs::path& p, int w, int h, int value, int channels = 1) {
  fs::create_directories(p.parent_path());
  std::vector<unsigned char> px(static_cast<size_t>(w * h * channels),
                                static_cast<unsigned char>(value));
  ASSERT_TRUE(stbi_write_png(p.c_str(), w, h, channels, px.data(), w * channels));
}

void write_jpg(const fs::path& p, int value) {
  fs::create_directories(p.parent_path());
  std::vector<unsigned char> px(48 * 48, static_cast<unsigned char>(value));
  ASSERT_TRUE(stbi_write_jpg(p.c_str(), 48, 48, 1, px.data(), 95));
}

LoadOptions no_cache() {
  LoadOptions o;
  o.use_cache = false;
  o.show_progress = false;
  return o;
}

}  // namespace

TEST(ImageFolder, ReadsTrainAndTestLayoutWithClassesFromFolderNames) {
  test::TempDir dir;
  write_png(dir / "train" / "happy" / "a.png", 48, 48, 200);
  write_png(dir / "train" / "angry" / "b.png", 48, 48, 10);
  write_jpg(dir / "train" / "Sad" / "nested" / "c.jpg", 120);
  write_png(dir / "test" / "surprise" / "d.png", 48, 48, 90);
  write_png(dir / "test" / "neutral" / "e.png", 96, 96, 60);                // resized to 48
  write_png(dir / "test" / "disgust" / "f.png", 48, 48, 30, 3);             // colour → gray
  test::write_file(dir / "train" / "happy" / "notes.txt", "not an image");  // ignored
  const auto d = load_dataset(dir.path(), no_cache());
  ASSERT_EQ(d.size(), 6);
  EXPECT_EQ(d.split("train").size(), 3);
  EXPECT_EQ(d.split("test").size(), 3);
  EXPECT_EQ(default_eval_split(d), "Test");
  // Sorted by name, byte order: test/disgust, test/neutral, test/surprise, train/Sad,
  // train/angry, train/happy.
  const std::vector<int64_t> labels = {1, 6, 5, 4, 0, 3};
  const std::vector<int> values = {30, 60, 90, 120, 10, 200};
  for (int64_t i = 0; i < 6; ++i) {
    EXPECT_EQ(d.labels[i].item<int64_t>(), labels[static_cast<size_t>(i)]) << i;
    EXPECT_NEAR(d.images[i][20][20].item<int>(), values[static_cast<size_t>(i)], 2) << i;  // JPEG
  }
  EXPECT_EQ(d.images[1][0][0].item<int>(), 60) << "the 96x96 image was resized, not cropped";
  EXPECT_EQ(d.split_names, (std::vector<std::string>{"Test", "Training"}));
}

TEST(ImageFolder, FolderOfClassesWithoutSplitsIsAll) {
  test::TempDir dir;
  write_png(dir / "fear" / "a.png", 48, 48, 1);
  write_png(dir / "happy" / "b.png", 48, 48, 2);
  const auto d = load_dataset(dir.path(), no_cache());
  EXPECT_EQ(d.split_names, (std::vector<std::string>{"All"}));
  EXPECT_EQ(d.size(), 2);
}

TEST(ImageFolder, UnreadableImageAndUnknownClassAreNamed) {
  test::TempDir dir;
  write_png(dir / "train" / "happy" / "good.png", 48, 48, 1);
  test::write_file(dir / "train" / "happy" / "broken.jpg", "garbage, not a jpeg");
  try {
    load_dataset(dir.path(), no_cache());
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("broken.jpg: cannot read image"), std::string::npos)
        << e.what();
  }
  LoadOptions skip = no_cache();
  skip.skip_bad = true;
  LoadReport report;
  EXPECT_EQ(load_dataset(dir.path(), skip, &report).size(), 1);
  EXPECT_EQ(report.skipped, 1);

  test::TempDir other;
  write_png(other / "train" / "bored" / "x.png", 48, 48, 1);
  write_png(other / "train" / "happy" / "y.png", 48, 48, 1);
  try {
    load_dataset(other.path(), no_cache());
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("bored: folder name is not a class"), std::string::npos)
        << e.what();
  }
}

TEST(ImageFolder, EmptyFolderSaysWhatItExpected) {
  test::TempDir dir;
  try {
    load_dataset(dir.path(), no_cache());
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("no images found"), std::string::npos);
  }
}

}  // namespace emomusic::data
