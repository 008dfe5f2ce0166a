#include "emomusic/core/atomic_file.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "emomusic/core/error.hpp"
#include "test_support.hpp"

namespace emomusic {
namespace fs = std::filesystem;

TEST(AtomicFile, WritesAndReplaces) {
  test::TempDir dir;
  write_file_atomically(dir / "a.txt", "first");
  EXPECT_EQ(test::read_file(dir / "a.txt"), "first");
  write_file_atomically(dir / "a.txt", "second");
  EXPECT_EQ(test::read_file(dir / "a.txt"), "second");
}

// Credentials are 0600 whatever the umask, and the folder made for them 0700.
TEST(AtomicFile, APrivateFileIsOwnerOnlyFromTheStart) {
  test::TempDir dir;
  const mode_t old_umask = ::umask(0);
  write_private_file_atomically(dir / "private" / "secret", "s3cret");
  write_private_file_atomically(dir / "private" / "secret", "again");
  ::umask(old_umask);
  EXPECT_EQ(test::read_file(dir / "private" / "secret"), "again");
  struct stat st {};
  ASSERT_EQ(::stat((dir / "private" / "secret").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_EQ(::stat((dir / "private").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
}

TEST(AtomicFile, AMissingFolderIsRefusedNotCreated) {
  test::TempDir dir;
  try {
    write_file_atomically(dir / "sub" / "a.txt", "first");
    FAIL() << "wrote into a folder that does not exist";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("sub does not exist"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(fs::exists(dir / "sub"));
  EXPECT_THROW(AtomicReplacement(dir / "sub" / "b.db"), InputError);
}

TEST(AtomicFile, APathTooLongIsBadInputQuotedShort) {
  test::TempDir dir;
  const fs::path long_path = dir / std::string(5000, 'x');
  try {
    write_file_atomically(long_path, "x");
    FAIL() << "wrote a 5000-byte file name";
  } catch (const InputError& e) {
    EXPECT_LT(std::string(e.what()).size(), 400u) << e.what();
  }
}

// A private character device like /dev/null (1, 3): renaming a file over it would turn it into a
// regular file; the bytes go through it instead and the node stays a device.
TEST(AtomicFile, ACharacterDeviceIsWrittenThroughNotReplaced) {
  test::TempDir dir;
  const fs::path node = dir / "null";
  if (::mknod(node.c_str(), S_IFCHR | 0666, makedev(1, 3)) != 0) {
    GTEST_SKIP() << "mknod is not permitted here (" << std::strerror(errno) << ")";
  }
  write_file_atomically(node, "a picture");
  write_file_atomically(node, [](std::ostream& out) { out << "a model"; });
  struct stat st {};
  ASSERT_EQ(::stat(node.c_str(), &st), 0);
  EXPECT_TRUE(S_ISCHR(st.st_mode)) << "the device node was replaced";
  EXPECT_THROW(AtomicReplacement{node}, InputError);
}

TEST(AtomicFile, AFifoIsWrittenThroughToItsReaderAndRefusedWithoutOne) {
  test::TempDir dir;
  const fs::path fifo = dir / "fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  // Nobody reads: refused at once rather than waited on for ever.
  EXPECT_THROW(write_file_atomically(fifo, "lost"), InputError);
  const int reader = ::open(fifo.c_str(), O_RDONLY | O_NONBLOCK);
  ASSERT_GE(reader, 0);
  write_file_atomically(fifo, "through");
  char buf[16] = {};
  EXPECT_EQ(::read(reader, buf, sizeof buf), 7);
  EXPECT_EQ(std::string(buf), "through");
  ::close(reader);
  struct stat st {};
  ASSERT_EQ(::stat(fifo.c_str(), &st), 0);
  EXPECT_TRUE(S_ISFIFO(st.st_mode)) << "the FIFO was replaced by a file";
}

// A private full device (1, 7), never the system's /dev/full: code without the fix replaces it.
TEST(AtomicFile, AFullDeviceIsAnUnavailableResource) {
  test::TempDir dir;
  const fs::path full = dir / "full";
  if (::mknod(full.c_str(), S_IFCHR | 0666, makedev(1, 7)) != 0) {
    GTEST_SKIP() << "mknod is not permitted here (" << std::strerror(errno) << ")";
  }
  EXPECT_THROW(write_file_atomically(full, "x"), UnavailableError);
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

// A killed training left its temporary model: the next write to the same place removes it.
TEST(AtomicFile, TheNextWriteRemovesStaleTemporariesOfItsTarget) {
  test::TempDir dir;
  const pid_t child = fork();
  if (child == 0) _exit(0);
  waitpid(child, nullptr, 0);
  const std::string dead = ".model.safetensors.tmp-" + std::to_string(child) + "-x";
  const std::string live = ".model.safetensors.tmp-" + std::to_string(getpid()) + "-x";
  test::write_file(dir / dead, "half a model");
  test::write_file(dir / live, "a model being written");
  write_file_atomically(dir / "model.safetensors", "model");
  EXPECT_FALSE(fs::exists(dir / dead));
  EXPECT_TRUE(fs::exists(dir / live));
  EXPECT_EQ(test::read_file(dir / "model.safetensors"), "model");
}

}  // namespace emomusic
