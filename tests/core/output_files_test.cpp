#include "emomusic/core/output_files.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "emomusic/core/error.hpp"
#include "test_support.hpp"

namespace emomusic {
namespace fs = std::filesystem;

namespace {

std::string refusal(const std::vector<fs::path>& inputs, const std::vector<fs::path>& outputs) {
  try {
    check_output_files(inputs, outputs);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(OutputFiles, AnOutputThatIsOrLinksToAnInputIsRefusedNamingBoth) {
  test::TempDir dir;
  test::write_file(dir / "d.csv", "data");
  fs::create_symlink(dir / "d.csv", dir / "sym.csv");
  fs::create_hard_link(dir / "d.csv", dir / "hard.csv");
  for (const fs::path& out :
       {dir / "d.csv", dir / "sym.csv", dir / "hard.csv", dir.path() / "." / "d.csv"}) {
    const std::string why = refusal({dir / "d.csv"}, {dir / "other.png", out});
    EXPECT_NE(why.find("is an input"), std::string::npos) << out << ": " << why;
    EXPECT_NE(why.find("d.csv"), std::string::npos) << why;
  }
  EXPECT_EQ(refusal({dir / "d.csv", "-", ""}, {dir / "model.safetensors", ""}), "");
}

TEST(OutputFiles, AMissingFolderIsRefusedNamingIt) {
  test::TempDir dir;
  const std::string why = refusal({}, {dir / "no" / "such" / "x.png"});
  EXPECT_NE(why.find("no/such does not exist"), std::string::npos) << why;
  EXPECT_FALSE(fs::exists(dir / "no"));
  test::write_file(dir / "file", "x");
  EXPECT_NE(refusal({}, {dir / "file" / "x.png"}), "");
}

TEST(OutputFiles, EmomusicsOwnFoldersAreCreated) {
  test::TempDir dir;
  const char* old = std::getenv("XDG_DATA_HOME");
  const std::string saved = old ? old : "";
  ::setenv("XDG_DATA_HOME", (dir / "data").c_str(), 1);
  prepare_output_folder(dir / "data" / "emomusic" / "history.db");
  EXPECT_TRUE(fs::is_directory(dir / "data" / "emomusic"));
  if (old) {
    ::setenv("XDG_DATA_HOME", saved.c_str(), 1);
  } else {
    ::unsetenv("XDG_DATA_HOME");
  }
}

}  // namespace emomusic
