#include "emomusic/plot/confusion_matrix.hpp"

#include <gtest/gtest.h>

#include "decoded_png.hpp"
#include "emomusic/core/error.hpp"
#include "test_support.hpp"

namespace emomusic::plot {
namespace {

const std::vector<std::string> kNames{"happy", "sad", "neutral"};
// Rows are true classes: "happy" 90% right, "sad" always right, "neutral" never seen.
const std::vector<std::vector<std::int64_t>> kCounts{{90, 10, 0}, {0, 50, 0}, {0, 0, 0}};

int brightness(Rgb c) {
  return c.r + c.g + c.b;
}

/// A point near the top-left corner of a cell, clear of the centred text.
Rgb cell_colour(const test::DecodedPng& png, const MatrixGeometry& g, int row, int column) {
  return png.at(static_cast<int>(g.left + column * g.cell + 5),
                static_cast<int>(g.top + row * g.cell + 5));
}

class ConfusionMatrixPicture : public ::testing::Test {
 protected:
  void SetUp() override {
    plot_confusion_matrix(kCounts, kNames, dir_ / "confusion.png", "Validation");
    png_ = test::read_png(dir_ / "confusion.png");
  }
  emomusic::test::TempDir dir_;
  test::DecodedPng png_;
  MatrixGeometry grid_ = confusion_matrix_geometry(kNames);
};

TEST_F(ConfusionMatrixPicture, IsASquarePngWrittenAtomically) {
  EXPECT_EQ(png_.width, kConfusionMatrixSize);
  EXPECT_EQ(png_.height, kConfusionMatrixSize);
  EXPECT_EQ(test::files_in(dir_.path()), 1) << "temporary file left behind";
  EXPECT_GT(grid_.left, 0);
  EXPECT_LT(grid_.left + 3 * grid_.cell, png_.width);
  EXPECT_LT(grid_.top + 3 * grid_.cell, png_.height);
}

TEST_F(ConfusionMatrixPicture, HigherRecallIsDarkerAndMoreSaturated) {
  const Rgb full = cell_colour(png_, grid_, 1, 1);    // 100%
  const Rgb most = cell_colour(png_, grid_, 0, 0);    // 90%
  const Rgb little = cell_colour(png_, grid_, 0, 1);  // 10%
  const Rgb none = cell_colour(png_, grid_, 1, 0);    // 0%
  EXPECT_LT(brightness(full), brightness(most));
  EXPECT_LT(brightness(most), brightness(little));
  EXPECT_LT(brightness(little), brightness(none));
  EXPECT_GT(full.b - full.r, none.b - none.r);
  EXPECT_GT(brightness(none), 3 * 240);
}

TEST_F(ConfusionMatrixPicture, AClassWithoutSamplesIsNeutralGrey) {
  const Rgb unseen = cell_colour(png_, grid_, 2, 2);
  EXPECT_EQ(unseen.r, unseen.g);
  EXPECT_EQ(unseen.g, unseen.b);
  EXPECT_LT(brightness(unseen), brightness(cell_colour(png_, grid_, 1, 0)));
}

TEST_F(ConfusionMatrixPicture, CellTextContrastsWithTheCell) {
  const auto cell_pixels = [&](int row, int column, auto predicate) {
    const int x0 = static_cast<int>(grid_.left + column * grid_.cell) + 2;
    const int y0 = static_cast<int>(grid_.top + row * grid_.cell) + 2;
    const int side = static_cast<int>(grid_.cell) - 4;
    return png_.count(x0, y0, x0 + side, y0 + side, predicate);
  };
  const auto light = [](Rgb c) { return c.r > 230 && c.g > 230 && c.b > 230; };
  const auto dark = [](Rgb c) { return c.r < 80 && c.g < 80 && c.b < 80; };
  EXPECT_GT(cell_pixels(1, 1, light), 50) << "no light text on the darkest cell";
  EXPECT_GT(cell_pixels(1, 0, dark), 50) << "no dark text on the lightest cell";
  EXPECT_EQ(cell_pixels(1, 1, dark), 0) << "dark text on the darkest cell";
}

TEST(ConfusionMatrix, SevenEmotionsFitThePicture) {
  const std::vector<std::string> names{"angry", "disgust",  "fear",   "happy",
                                       "sad",   "surprise", "neutral"};
  std::vector<std::vector<std::int64_t>> counts(7, std::vector<std::int64_t>(7, 3));
  for (int i = 0; i < 7; ++i) counts[i][i] = 400 + 100 * i;
  const Canvas canvas = render_confusion_matrix(counts, names, "Test set");
  const MatrixGeometry g = confusion_matrix_geometry(names);
  EXPECT_GT(g.cell, 40);
  EXPECT_LE(g.left + 7 * g.cell, canvas.width());
  EXPECT_LE(g.top + 7 * g.cell, canvas.height());
}

TEST(ConfusionMatrix, MalformedMatricesAreInputErrors) {
  EXPECT_THROW(render_confusion_matrix({}, {}, "t"), InputError);
  EXPECT_THROW(render_confusion_matrix({{1, 2}, {3, 4}}, {"a"}, "t"), InputError);
  EXPECT_THROW(render_confusion_matrix({{1, 2}, {3}}, {"a", "b"}, "t"), InputError);
  EXPECT_THROW(render_confusion_matrix({{1, -2}, {3, 4}}, {"a", "b"}, "t"), InputError);
  EXPECT_THROW(render_confusion_matrix({{0, 0}, {0, 0}}, {"a", "b"}, "t"), InputError);
  try {
    render_confusion_matrix({{1, 2}, {3}}, {"a", "b"}, "val");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("row 1 (b) has 1 counts, expected 2"), std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace emomusic::plot
