#include "emomusic/core/atomic_file.hpp"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

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

TEST(AtomicFile, CommitIfAbsentNeverReplacesAnotherWritersFile) {
  test::TempDir dir;
  AtomicReplacement first(dir / "catalog.db");
  AtomicReplacement second(dir / "catalog.db");
  test::write_file(first.temp_path(), "first");
  test::write_file(second.temp_path(), "second");
  EXPECT_TRUE(first.commit_if_absent());
  EXPECT_FALSE(second.commit_if_absent());
  EXPECT_EQ(test::read_file(dir / "catalog.db"), "first");
  EXPECT_FALSE(fs::exists(first.temp_path()));
  EXPECT_TRUE(fs::exists(second.temp_path())) << "kept until the writer is done with it";
}

TEST(AtomicFile, StaleTemporariesOfDeadWritersAreRemovedOthersKept) {
  test::TempDir dir;
  const pid_t child = fork();
  if (child == 0) _exit(0);
  waitpid(child, nullptr, 0);  // a process id that is now free
  const std::string dead = ".model.safetensors.tmp-" + std::to_string(child) + "-3-42";
  const std::string mine = ".model.safetensors.tmp-" + std::to_string(getpid()) + "-0-1";
  for (const auto& name : {dead, dead + "-journal", mine, std::string(".other.tmp-1-1-1"),
                           std::string(".model.safetensors.tmp-notapid-1")}) {
    test::write_file(dir / name, "x");
  }
  EXPECT_EQ(remove_stale_temporaries(dir / "model.safetensors"), 2);
  EXPECT_FALSE(fs::exists(dir / dead));
  EXPECT_FALSE(fs::exists(dir / (dead + "-journal")));
  EXPECT_TRUE(fs::exists(dir / mine));
  EXPECT_TRUE(fs::exists(dir / ".other.tmp-1-1-1"));
  EXPECT_TRUE(fs::exists(dir / ".model.safetensors.tmp-notapid-1"));
}

}  // namespace emomusic
