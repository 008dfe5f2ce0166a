#include "emomusic/core/atomic_file.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

#include "test_support.hpp"

namespace emomusic {
namespace fs = std::filesystem;

TEST(AtomicFile, WritesAndReplaces) {
  test::TempDir dir;
  write_file_atomically(dir / "sub" / "a.txt", "first");
  EXPECT_EQ(test::read_file(dir / "sub" / "a.txt"), "first");
  write_file_atomically(dir / "sub" / "a.txt", "second");
  EXPECT_EQ(test::read_file(dir / "sub" / "a.txt"), "second");
}

TEST(AtomicFile, AFailedWriteLeavesTheOldFileAndNoTemporaries) {
  test::TempDir dir;
  write_file_atomically(dir / "model.bin", "good model");
  EXPECT_THROW(write_file_atomically(dir / "model.bin",
                                     [](std::ostream& out) {
                                       out << "half a mod";
                                       throw std::runtime_error("killed mid-write");
                                     }),
               std::runtime_error);
  EXPECT_EQ(test::read_file(dir / "model.bin"), "good model");
  int files = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir.path())) ++files;
  EXPECT_EQ(files, 1) << "temporary file left behind";
}

TEST(AtomicFile, ReplacementNotCommittedIsDiscarded) {
  test::TempDir dir;
  fs::path temp;
  {
    AtomicReplacement r(dir / "db.sqlite");
    temp = r.temp_path();
    test::write_file(temp, "partial");
    EXPECT_EQ(temp.parent_path(), dir.path());
  }
  EXPECT_FALSE(fs::exists(temp));
  EXPECT_FALSE(fs::exists(dir / "db.sqlite"));
}

}  // namespace emomusic
