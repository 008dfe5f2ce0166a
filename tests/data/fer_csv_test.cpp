#include <gtest/gtest.h>

#include "emomusic/core/error.hpp"
#include "emomusic/data/loader.hpp"
#include "fer_fixture.hpp"
#include "test_support.hpp"

namespace emomusic::data {
namespace {

using test::pixels;

LoadOptions strict() {
  LoadOptions o;
  o.use_cache = false;
  o.show_progress = false;
  return o;
}

// Loads `rows` with one row replaced by `bad_line`, and returns the error message.
std::string error_for(const std::string& bad_line, int* line_no = nullptr) {
  test::TempDir dir;
  auto rows = test::synthetic_rows(1, {"Training"});
  std::string csv = test::fer_csv(rows);
  csv += bad_line + "\n";
  if (line_no) *line_no = static_cast<int>(rows.size()) + 2;
  test::write_file(dir / "bad.csv", csv);
  try {
    load_dataset(dir / "bad.csv", strict());
  } catch (const BadRowError& e) {  // the type a front end catches to name its skip option
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST(FerCsv, LoadsPixelsLabelsAndSplitsInOrder) {
  test::TempDir dir;
  auto rows = test::synthetic_rows(2, {"Training", "PublicTest"});
  test::write_file(dir / "fer.csv", test::fer_csv(rows));
  const auto d = load_dataset(dir / "fer.csv", strict());
  ASSERT_EQ(d.size(), 28);
  EXPECT_EQ(d.images.dtype(), torch::kUInt8);
  EXPECT_EQ(d.images.sizes(), (std::vector<int64_t>{28, 48, 48}));
  EXPECT_EQ(d.split_names, (std::vector<std::string>{"Training", "PublicTest"}));
  for (size_t i = 0; i < rows.size(); ++i) {
    const auto k = static_cast<int64_t>(i);
    EXPECT_EQ(d.labels[k].item<int64_t>(), rows[i].label);
    // Row-major pixel order: pixel 50 is row 1, column 2.
    EXPECT_EQ(d.images[k][1][2].item<int>(), rows[i].pixels[50]);
    EXPECT_EQ(d.images[k][47][47].item<int>(), rows[i].pixels[2303]);
  }
  EXPECT_EQ(d.split("PublicTest").size(), 14);
  EXPECT_EQ(d.split("train").size(), 14);
  EXPECT_EQ(d.split("valid").size(), 14) << "the folder alias works for splits too";
  EXPECT_EQ(d.split("all").size(), 28);
  EXPECT_EQ(d.class_counts(), (std::vector<int64_t>(7, 4)));
  EXPECT_EQ(default_eval_split(d), "PublicTest");
  EXPECT_EQ(default_validation_split(d), "PublicTest");
  try {
    d.split("PrivateTest");
    FAIL();
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("Training, PublicTest"), std::string::npos) << e.what();
  }
}

TEST(FerCsv, ReadsGzipAndCrlfAndFilesWithoutUsage) {
  test::TempDir dir;
  auto rows = test::synthetic_rows(1, {"PrivateTest"});
  std::string csv = test::fer_csv(rows);
  test::write_gzip(dir / "fer.csv.gz", csv);
  const auto gz = load_dataset(dir / "fer.csv.gz", strict());
  EXPECT_EQ(gz.size(), 7);
  EXPECT_EQ(default_eval_split(gz), "PrivateTest");

  std::string crlf;
  for (char c : csv) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
  test::write_file(dir / "crlf.csv", crlf);
  EXPECT_TRUE(torch::equal(load_dataset(dir / "crlf.csv", strict()).images, gz.images));

  test::write_file(dir / "nousage.csv", "emotion,pixels\n3," + pixels(2304) + "\n");
  const auto all = load_dataset(dir / "nousage.csv", strict());
  EXPECT_EQ(all.split_names, (std::vector<std::string>{"All"}));
  EXPECT_EQ(all.labels[0].item<int64_t>(), 3);
}

TEST(FerCsv, StrictErrorsNameFileLineAndProblem) {
  int line = 0;
  std::string e = error_for("3," + pixels(2301) + ",Training", &line);
  EXPECT_NE(e.find("bad.csv:" + std::to_string(line) + ": expected 2304 pixels, got 2301"),
            std::string::npos)
      << e;
  e = error_for("9," + pixels(2304) + ",Training");
  EXPECT_NE(e.find("emotion label '9' is outside 0..6"), std::string::npos) << e;
  e = error_for("-1," + pixels(2304) + ",Training");
  EXPECT_NE(e.find("emotion label '-1'"), std::string::npos) << e;
  e = error_for("2," + pixels(2303) + " 256,Training");
  EXPECT_NE(e.find("pixel 2304 is 256, outside 0..255"), std::string::npos) << e;
  e = error_for("2," + pixels(10) + " x7 " + pixels(2293) + ",Training");
  EXPECT_NE(e.find("pixel 11 'x7' is not a number"), std::string::npos) << e;
  e = error_for("2," + pixels(2304) + ",Validation");
  EXPECT_NE(e.find("unknown Usage 'Validation'"), std::string::npos) << e;
  e = error_for("2," + pixels(2304));
  EXPECT_NE(e.find("expected 3 fields, got 2"), std::string::npos) << e;
  EXPECT_EQ(e.find("skip"), std::string::npos)
      << "the type says it can be skipped; the front end adds its hint once: " << e;
  EXPECT_EQ(e.find("--"), std::string::npos) << "the library names no command-line flag: " << e;
}

TEST(FerCsv, SkipBadReportsEveryBadRowAndKeepsTheRest) {
  test::TempDir dir;
  auto rows = test::synthetic_rows(1, {"Training"});
  std::string csv = test::fer_csv(rows);
  csv += "3," + pixels(100) + ",Training\n";
  csv += "8," + pixels(2304) + ",Training\n";
  csv += "\n";  // blank lines are not rows
  test::write_file(dir / "mixed.csv", csv);
  LoadOptions o = strict();
  o.skip_bad = true;
  LoadReport report;
  const auto d = load_dataset(dir / "mixed.csv", o, &report);
  EXPECT_EQ(d.size(), 7);
  EXPECT_EQ(report.loaded, 7);
  EXPECT_EQ(report.skipped, 2);
  ASSERT_EQ(report.problems.size(), 2u);
  EXPECT_NE(report.problems[0].find("mixed.csv:9:"), std::string::npos) << report.problems[0];
}

TEST(FerCsv, MissingFileHeaderlessAndForeignCsv) {
  EXPECT_THROW(load_dataset("/nonexistent/fer.csv", strict()), InputError);
  test::TempDir dir;
  test::write_file(dir / "noheader.csv", "4," + pixels(2304) + ",Training\n");
  EXPECT_EQ(load_dataset(dir / "noheader.csv", strict()).labels[0].item<int64_t>(), 4);
  test::write_file(dir / "other.csv", "name,age\nbob,3\n");
  try {
    load_dataset(dir / "other.csv", strict());
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("other.csv:1: header"), std::string::npos) << e.what();
  }
  test::write_file(dir / "empty.csv", "emotion,pixels,Usage\n");
  EXPECT_THROW(load_dataset(dir / "empty.csv", strict()), InputError);
}

}  // namespace emomusic::data
