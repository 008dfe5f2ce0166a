#include "emomusic/core/bounded_input.hpp"

#include <gtest/gtest.h>

#include <string>

#include "emomusic/core/safetensors.hpp"
#include "test_support.hpp"

namespace emomusic {
namespace fs = std::filesystem;

TEST(BoundedInput, ReadsAFileWithinItsLimit) {
  test::TempDir dir;
  test::write_file(dir / "a.txt", "line one\nline two\n");
  EXPECT_EQ(read_bounded(dir / "a.txt", InputLimit{18, "test file"}), "line one\nline two\n");
  BoundedInput in(dir / "a.txt", InputLimit{18, "test file"});
  std::string line;
  ASSERT_TRUE(std::getline(in, line));
  EXPECT_EQ(line, "line one");
}

TEST(BoundedInput, AFileOverItsLimitIsRefusedWhileReading) {
  test::TempDir dir;
  test::write_file(dir / "a.txt", std::string(100, 'x'));
  try {
    read_bounded(dir / "a.txt", InputLimit{99, "test file"});
    FAIL() << "read past the limit";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("limit"), std::string::npos) << e.what();
  }
}

// stat() says 0 bytes for a device: only counting while reading stops it.
TEST(BoundedInput, ADeviceThatNeverEndsIsRefusedAtTheLimit) {
  BoundedInput in("/dev/zero", InputLimit{1 << 20, "test file", ErrorKind::kBadModel});
  std::string line;
  EXPECT_THROW(std::getline(in, line), ModelError);
  EXPECT_LE(line.size(), 1u << 20);
  EXPECT_THROW(read_bounded("/dev/zero", InputLimit{1 << 20, "test file"}), InputError);
}

TEST(BoundedInput, AMissingFileIsTheLimitsErrorKind) {
  EXPECT_THROW(BoundedInput("/nonexistent/x", kSafetensorsLimit), ModelError);
  EXPECT_THROW(BoundedInput("/nonexistent/x", kCatalogCsvLimit), InputError);
}

// A model read from /dev/zero fails on its header, not after reading gigabytes.
TEST(BoundedInput, SafetensorsFromAnEndlessDeviceFailsAtTheHeader) {
  EXPECT_THROW(load_safetensors("/dev/zero"), ModelError);
}

}  // namespace emomusic
