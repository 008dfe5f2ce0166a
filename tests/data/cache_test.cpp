#include <gtest/gtest.h>

#include "emomusic/core/error.hpp"
#include "emomusic/data/loader.hpp"
#include "fer_fixture.hpp"
#include "test_support.hpp"

namespace emomusic::data {
namespace fs = std::filesystem;

TEST(DatasetCache, SecondLoadComesFromThePackedCacheAndMatches) {
  test::TempDir dir;
  test::write_file(dir / "fer.csv",
                   test::fer_csv(test::synthetic_rows(2, {"Training", "PublicTest"})));
  LoadOptions o;
  o.cache_dir = dir / "cache";
  o.show_progress = false;
  LoadReport first, second;
  const auto a = load_dataset(dir / "fer.csv", o, &first);
  EXPECT_FALSE(first.from_cache);
  ASSERT_TRUE(fs::exists(first.cache_file)) << first.cache_file;
  const auto b = load_dataset(dir / "fer.csv", o, &second);
  EXPECT_TRUE(second.from_cache);
  EXPECT_TRUE(torch::equal(a.images, b.images));
  EXPECT_TRUE(torch::equal(a.labels, b.labels));
  EXPECT_TRUE(torch::equal(a.splits, b.splits));
  EXPECT_EQ(a.split_names, b.split_names);
}

TEST(DatasetCache, ChangedSourceIsReparsed) {
  test::TempDir dir;
  LoadOptions o;
  o.cache_dir = dir / "cache";
  o.show_progress = false;
  test::write_file(dir / "fer.csv", test::fer_csv(test::synthetic_rows(1, {"Training"})));
  load_dataset(dir / "fer.csv", o);
  test::write_file(dir / "fer.csv", test::fer_csv(test::synthetic_rows(2, {"Training"})));
  LoadReport r;
  EXPECT_EQ(load_dataset(dir / "fer.csv", o, &r).size(), 14);
  EXPECT_FALSE(r.from_cache);
}

TEST(DatasetCache, PackedFileLoadsDirectlyAndDamageIsNamed) {
  test::TempDir dir;
  test::write_file(dir / "fer.csv",
                   test::fer_csv(test::synthetic_rows(1, {"Training", "PublicTest"})));
  LoadOptions o;
  o.use_cache = false;
  o.show_progress = false;
  const auto a = load_dataset(dir / "fer.csv", o);
  save_packed(a, dir / "fer.safetensors");
  const auto b = load_dataset(dir / "fer.safetensors", o);
  EXPECT_TRUE(torch::equal(a.images, b.images));
  EXPECT_EQ(b.split("PublicTest").size(), 7);

  const std::string bytes = test::read_file(dir / "fer.safetensors");
  test::write_file(dir / "cut.safetensors", bytes.substr(0, bytes.size() - 100));
  try {
    load_dataset(dir / "cut.safetensors", o);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("cut.safetensors"), std::string::npos) << e.what();
  }
}

}  // namespace emomusic::data
