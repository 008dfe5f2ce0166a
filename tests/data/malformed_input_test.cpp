// Malformed data must end in an InputError that names the file and says what is wrong, in a
// message of one short line, never in a crash, an internal error or a silently smaller dataset.

#include <gtest/gtest.h>

#include "emomusic/core/error.hpp"
#include "emomusic/data/loader.hpp"
#include "fer_fixture.hpp"
#include "test_support.hpp"

namespace emomusic::data {
namespace {

using test::pixels;

LoadOptions quiet(bool skip_bad = false) {
  LoadOptions o;
  o.use_cache = false;
  o.show_progress = false;
  o.skip_bad = skip_bad;
  return o;
}

std::string load_error(const std::filesystem::path& path, bool skip_bad = false) {
  try {
    load_dataset(path, quiet(skip_bad));
  } catch (const InputError& e) {
    return e.what();
  }
  return "no error";
}

std::string good_csv() {
  return test::fer_csv(test::synthetic_rows(3, {"Training"}));
}

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST(MalformedInput, TruncatedGzipIsAnErrorEvenWithSkipBad) {
  test::TempDir dir;
  test::write_gzip(dir / "full.csv.gz", good_csv());
  const std::string gz = test::read_file(dir / "full.csv.gz");
  test::write_file(dir / "cut.csv.gz", gz.substr(0, gz.size() / 2));
  test::write_file(dir / "notrailer.csv.gz", gz.substr(0, gz.size() - 4));
  for (const bool skip_bad : {false, true}) {
    for (const char* name : {"cut.csv.gz", "notrailer.csv.gz"}) {
      const std::string e = load_error(dir / name, skip_bad);
      EXPECT_TRUE(has(e, (dir / name).string() + ": gzip data is truncated")) << e;
      EXPECT_FALSE(has(e, "pixels")) << "blames a CSV line: " << e;
    }
  }
}

TEST(MalformedInput, CorruptGzipIsNamedAsSuchNotAsABadLine) {
  test::TempDir dir;
  test::write_gzip(dir / "full.csv.gz", good_csv());
  const std::string gz = test::read_file(dir / "full.csv.gz");
  std::string bad_crc = gz;
  bad_crc[gz.size() - 8] ^= 0x55;  // the CRC-32 in the trailer
  test::write_file(dir / "crc.csv.gz", bad_crc);
  std::string bad_middle = gz;
  for (size_t i = gz.size() / 2; i < gz.size() / 2 + 16; ++i) bad_middle[i] ^= 0x5A;
  test::write_file(dir / "middle.csv.gz", bad_middle);
  for (const bool skip_bad : {false, true}) {
    for (const char* name : {"crc.csv.gz", "middle.csv.gz"}) {
      const std::string e = load_error(dir / name, skip_bad);
      EXPECT_TRUE(has(e, (dir / name).string() + ": gzip data is corrupt")) << e;
    }
  }
}

TEST(MalformedInput, GzipBombOfEmptyLinesNeedsNoMemory) {
  // 20 million newlines compress to ~20 KB; reserving a row per newline asked for 46 GB.
  test::TempDir dir;
  test::write_gzip(dir / "bomb.csv.gz", std::string(20'000'000, '\n'));
  ASSERT_LT(std::filesystem::file_size(dir / "bomb.csv.gz"), 200'000u);
  EXPECT_TRUE(has(load_error(dir / "bomb.csv.gz"), "no rows of data"));
  test::write_file(dir / "blank.csv", "emotion,pixels,Usage\n" + std::string(20'000'000, '\n'));
  EXPECT_TRUE(has(load_error(dir / "blank.csv"), "no rows of data"));
}

TEST(MalformedInput, MessagesQuoteInputShortAndEscaped) {
  test::TempDir dir;
  // A 600 KB header (under the line limit) without the columns.
  test::write_file(dir / "wide.csv", std::string(600'000, 'x') + "\n");
  std::string e = load_error(dir / "wide.csv");
  EXPECT_TRUE(has(e, "lacks an 'emotion' or 'pixels' column")) << e.substr(0, 300);
  EXPECT_LT(e.size(), 400u) << "the header came back whole";
  test::write_file(dir / "ctl.csv", "name\x01\x1b[2J,age\r\nbob,3\n");
  e = load_error(dir / "ctl.csv");
  EXPECT_TRUE(has(e, "name\\x01\\x1b[2J,age")) << e;
  EXPECT_EQ(e.find('\x1b'), std::string::npos) << "a terminal escape went through";

  const auto row = [&](const std::string& line) {
    test::write_file(dir / "row.csv", "emotion,pixels,Usage\n" + line + "\n");
    return load_error(dir / "row.csv");
  };
  e = row("3," + pixels(2304) + "," + std::string(100'000, 'U'));
  EXPECT_TRUE(has(e, "unknown Usage 'UUU")) << e.substr(0, 300);
  EXPECT_LT(e.size(), 400u);
  e = row("3," + pixels(5) + " " + std::string(100'000, '9') + "x " + pixels(2298) + ",Training");
  EXPECT_TRUE(has(e, "pixel 6 '999")) << e.substr(0, 300);
  EXPECT_LT(e.size(), 400u);
  e = row(std::string(100'000, '7') + "," + pixels(2304) + ",Training");
  EXPECT_TRUE(has(e, "emotion label '777")) << e.substr(0, 300);
  EXPECT_LT(e.size(), 400u);
}

TEST(MalformedInput, OutOfRangePixelsAreReportedAsWritten) {
  test::TempDir dir;
  const auto row = [&](const std::string& pixel_text) {
    test::write_file(dir / "row.csv", "emotion,pixels,Usage\n3," + pixel_text + ",Training\n");
    return load_error(dir / "row.csv");
  };
  EXPECT_TRUE(has(row("100000 " + pixels(2303)), "pixel 1 is 100000, outside 0..255"));
  EXPECT_TRUE(has(row(pixels(2) + " 99999999999999999999 " + pixels(2301)),
                  "pixel 3 is 99999999999999999999, outside 0..255"));
  EXPECT_TRUE(has(row(pixels(2) + " -5 " + pixels(2301)), "pixel 3 is -5, outside 0..255"));
  EXPECT_TRUE(has(row(pixels(2303) + " 256"), "pixel 2304 is 256, outside 0..255"));
}

TEST(MalformedInput, Utf8ByteOrderMarkIsAccepted) {
  test::TempDir dir;
  const std::string csv = "\xEF\xBB\xBF" + good_csv();
  test::write_file(dir / "bom.csv", csv);
  test::write_gzip(dir / "bom.csv.gz", csv);
  EXPECT_EQ(load_dataset(dir / "bom.csv", quiet()).size(), 21);
  EXPECT_EQ(load_dataset(dir / "bom.csv.gz", quiet()).size(), 21);
  test::write_file(dir / "utf16.csv", std::string("\xFF\xFE"
                                                  "e\0m\0",
                                                  6));
  EXPECT_TRUE(has(load_error(dir / "utf16.csv"), "UTF-16"));
}

TEST(MalformedInput, OddRowsGetMessagesThatFitThem) {
  test::TempDir dir;
  const auto row = [&](const std::string& line) {
    test::write_file(dir / "row.csv", "emotion,pixels,Usage\n" + line + "\n");
    return load_error(dir / "row.csv");
  };
  std::string e = row("3.5," + pixels(2304) + ",Training");
  EXPECT_TRUE(has(e, "emotion label '3.5' is not a whole number")) << e;
  e = row("," + pixels(2304) + ",Training");
  EXPECT_TRUE(has(e, "emotion label '' is not a whole number")) << e;
  e = row("3," + pixels(200'000, 0) + ",Training");
  EXPECT_TRUE(has(e, "expected 2304 pixels, got 200000")) << e;
  e = row("3," + std::string(500'000, ',') + "Training");
  EXPECT_TRUE(has(e, "expected 3 fields, got 500002")) << e;
  // 10^6 pixels, or a line of 20 MB, is over the line limit: refused without being held.
  e = row("3," + pixels(1'000'000, 0) + ",Training");
  EXPECT_TRUE(has(e, "row.csv:2: line is longer than 1 MiB")) << e.substr(0, 300);
  EXPECT_LT(e.size(), 400u);

  // In --skip-bad mode the long line is left out and the rows around it are kept.
  auto rows = test::synthetic_rows(1, {"Training"});
  std::string csv = test::fer_csv(rows);
  csv.insert(csv.find('\n') + 1, std::string(20'000'000, ',') + "\n");
  test::write_file(dir / "long.csv", csv);
  LoadReport report;
  EXPECT_EQ(load_dataset(dir / "long.csv", quiet(true), &report).size(), 7);
  EXPECT_EQ(report.skipped, 1);
  ASSERT_EQ(report.problems.size(), 1u);
  EXPECT_TRUE(has(report.problems[0], "long.csv:2: line is longer")) << report.problems[0];
}

TEST(MalformedInput, HeaderOnlyAndAllBadSayWhy) {
  test::TempDir dir;
  test::write_file(dir / "header.csv", "emotion,pixels,Usage\r\n");
  EXPECT_TRUE(
      has(load_error(dir / "header.csv"), "header.csv: no usable images: it holds no rows"));
  test::write_file(dir / "empty.csv", "");
  EXPECT_TRUE(has(load_error(dir / "empty.csv"), "no rows of data"));
  test::write_file(dir / "allbad.csv", "emotion,pixels,Usage\n3,1 2,Training\n9,1,Training\n");
  EXPECT_TRUE(has(load_error(dir / "allbad.csv", true), "no usable images: all 2 were bad"));
}

TEST(MalformedInput, SkipBadKeepsABoundedNumberOfMessages) {
  test::TempDir dir;
  std::string csv = good_csv();
  for (int i = 0; i < 5000; ++i) csv += "x\n";
  test::write_file(dir / "many.csv", csv);
  LoadReport report;
  EXPECT_EQ(load_dataset(dir / "many.csv", quiet(true), &report).size(), 21);
  EXPECT_EQ(report.skipped, 5000);
  EXPECT_EQ(report.problems.size(), kMaxProblemsKept);
}

TEST(MalformedInput, PipesAreReadOnceAndNeverCached) {
  test::TempDir dir;
  const std::string csv = test::fer_csv(test::synthetic_rows(2, {"Training", "PublicTest"}));
  test::write_file(dir / "fer.csv", csv);
  const auto expected = load_dataset(dir / "fer.csv", quiet());
  LoadOptions cached = quiet();
  cached.use_cache = true;
  cached.cache_dir = dir / "cache";
  {
    test::PipeFeed pipe(csv);
    LoadReport report;
    const auto d = load_dataset(pipe.path(), cached, &report);
    EXPECT_TRUE(torch::equal(d.images, expected.images));
    EXPECT_EQ(d.split_names, expected.split_names);
    EXPECT_FALSE(report.from_cache);
    EXPECT_TRUE(report.cache_file.empty());
  }
  EXPECT_FALSE(std::filesystem::exists(dir / "cache")) << "a pipe was cached";

  test::write_gzip(dir / "fer.csv.gz", csv);
  save_packed(expected, dir / "fer.safetensors");
  for (const char* form : {"fer.csv.gz", "fer.safetensors"}) {
    test::PipeFeed pipe(test::read_file(dir / form));
    const auto d = load_dataset(pipe.path(), cached);
    EXPECT_TRUE(torch::equal(d.images, expected.images)) << form;
    EXPECT_TRUE(torch::equal(d.labels, expected.labels)) << form;
  }
  const std::string gz = test::read_file(dir / "fer.csv.gz");
  test::PipeFeed cut(gz.substr(0, gz.size() / 2));
  EXPECT_TRUE(has(load_error(cut.path()), "gzip data is truncated"));
}

}  // namespace emomusic::data
