#include "emomusic/plot/canvas.hpp"

#include <gtest/gtest.h>

#include "decoded_png.hpp"
#include "emomusic/core/error.hpp"
#include "test_support.hpp"

namespace emomusic::plot {
namespace {

constexpr Rgb kRed{200, 0, 0};

bool is_dark(Rgb c) {
  return c.r < 100 && c.g < 100 && c.b < 100;
}

TEST(Canvas, FillRectCoversItsPixelsAndBlendsAPartlyCoveredEdge) {
  Canvas canvas(10, 10);
  canvas.fill_rect(2, 3, 5, 6, kRed);
  EXPECT_EQ(canvas.pixel(2, 3), kRed);
  EXPECT_EQ(canvas.pixel(4, 5), kRed);
  EXPECT_EQ(canvas.pixel(5, 5), kWhite);
  EXPECT_EQ(canvas.pixel(2, 2), kWhite);

  canvas.fill_rect(0, 8, 1.5, 9, kBlack);
  EXPECT_EQ(canvas.pixel(0, 8), kBlack);
  const Rgb half = canvas.pixel(1, 8);
  EXPECT_NEAR(half.r, 128, 2);
  EXPECT_EQ(canvas.pixel(2, 8), kWhite);
}

TEST(Canvas, LineHasItsThickness) {
  Canvas canvas(50, 20);
  canvas.draw_line(5, 10, 45, 10, kBlack, 4);
  EXPECT_EQ(canvas.pixel(20, 8), kBlack);  // centres 8.5 and 10.5 lie within 2 of y = 10
  EXPECT_EQ(canvas.pixel(20, 10), kBlack);
  EXPECT_EQ(canvas.pixel(20, 13), kWhite);  // centre 13.5 is 3.5 away
  EXPECT_EQ(canvas.pixel(20, 5), kWhite);
}

TEST(Canvas, DashedLineLeavesGaps) {
  Canvas solid(200, 10);
  Canvas dashed(200, 10);
  solid.draw_polyline({0, 200}, {5, 5}, kBlack, 2);
  dashed.draw_polyline({0, 200}, {5, 5}, kBlack, 2, 10);
  int solid_ink = 0, dashed_ink = 0;
  for (int x = 0; x < 200; ++x) {
    solid_ink += solid.pixel(x, 5) == kBlack;
    dashed_ink += dashed.pixel(x, 5) == kBlack;
  }
  EXPECT_GT(solid_ink, 190);
  EXPECT_GT(dashed_ink, 80);
  EXPECT_LT(dashed_ink, 120);
}

TEST(Canvas, TextStaysInsideTheBoxItsAnchorNames) {
  Canvas canvas(200, 100);
  const double height = 14;
  const std::string text = "Epoch 12";
  const double width = Canvas::text_width(text, height);
  EXPECT_NEAR(Canvas::text_width(text, 2 * height), 2 * width, 1e-9);
  canvas.draw_text(text, 100, 50, {height, kBlack, HAlign::kCenter, VAlign::kMiddle});

  // Capitals are centred on the anchor; the descender of "p" hangs 2/7 of their height lower.
  const double top = 50 - height / 2 - 1;
  const double bottom = 50 + height / 2 + height * 2 / 7 + 1;
  int inside = 0, outside = 0;
  for (int y = 0; y < 100; ++y) {
    for (int x = 0; x < 200; ++x) {
      if (canvas.pixel(x, y) == kWhite) continue;
      const bool in_box =
          x >= 100 - width / 2 - 1 && x <= 100 + width / 2 + 1 && y >= top && y <= bottom;
      (in_box ? inside : outside) += 1;
    }
  }
  EXPECT_GT(inside, 100);
  EXPECT_EQ(outside, 0);
}

TEST(Canvas, UprightTextIsTallAndNarrow) {
  Canvas canvas(100, 200);
  canvas.draw_text("accuracy", 50, 100,
                   {12, kBlack, HAlign::kCenter, VAlign::kMiddle, TextDirection::kUp});
  int min_x = 100, max_x = -1, min_y = 200, max_y = -1;
  for (int y = 0; y < 200; ++y) {
    for (int x = 0; x < 100; ++x) {
      if (canvas.pixel(x, y) == kWhite) continue;
      min_x = std::min(min_x, x);
      max_x = std::max(max_x, x);
      min_y = std::min(min_y, y);
      max_y = std::max(max_y, y);
    }
  }
  EXPECT_GT(max_y - min_y, 3 * (max_x - min_x));
  EXPECT_NEAR((min_y + max_y) / 2.0, 100, 2);
}

TEST(Canvas, ClipRectangleProtectsTheRest) {
  Canvas canvas(20, 20);
  canvas.set_clip(5, 5, 15, 15);
  canvas.fill_rect(0, 0, 20, 20, kRed);
  EXPECT_EQ(canvas.pixel(4, 10), kWhite);
  EXPECT_EQ(canvas.pixel(10, 10), kRed);
  canvas.reset_clip();
  canvas.fill_rect(0, 0, 20, 20, kBlack);
  EXPECT_EQ(canvas.pixel(4, 10), kBlack);
}

TEST(Canvas, PngRoundTripsExactlyAndLeavesNoTemporaries) {
  emomusic::test::TempDir dir;
  Canvas canvas(31, 17);
  canvas.fill_rect(3, 4, 20, 9, kRed);
  canvas.draw_line(0, 0, 30, 16, Rgb{10, 200, 30}, 1.5);
  std::filesystem::create_directory(dir / "sub");
  const auto png = dir / "sub" / "picture.png";
  canvas.save_png(png);
  canvas.fill_rect(0, 0, 31, 17, kBlack);
  canvas.save_png(png);  // replaces the first picture

  const test::DecodedPng decoded = test::read_png(png);
  ASSERT_EQ(decoded.width, 31);
  ASSERT_EQ(decoded.height, 17);
  for (int y = 0; y < 17; ++y) {
    for (int x = 0; x < 31; ++x) ASSERT_EQ(decoded.at(x, y), canvas.pixel(x, y)) << x << "," << y;
  }
  EXPECT_EQ(test::files_in(dir / "sub"), 1) << "temporary file left behind";
}

TEST(Canvas, BadArgumentsAreReportedAsLibraryErrors) {
  EXPECT_THROW(Canvas(0, 10), UsageError);
  Canvas canvas(10, 10);
  EXPECT_THROW(canvas.pixel(10, 0), UsageError);
  EXPECT_THROW(canvas.draw_polyline({1, 2}, {1}, kBlack, 1), UsageError);

  emomusic::test::TempDir dir;
  emomusic::test::write_file(dir / "not-a-dir", "x");
  EXPECT_THROW(canvas.save_png(dir / "not-a-dir" / "a.png"), InputError);
}

TEST(Canvas, NonAsciiTextIsDrawnAsPlaceholders) {
  // UTF-8 bytes are outside the font; they must neither crash nor vanish silently.
  Canvas canvas(80, 20);
  canvas.draw_text("\xc3\xa9t\xc3\xa9", 2, 15, {10, kBlack});
  int ink = 0;
  for (int y = 0; y < 20; ++y) {
    for (int x = 0; x < 80; ++x) ink += is_dark(canvas.pixel(x, y));
  }
  EXPECT_GT(ink, 30);
}

}  // namespace
}  // namespace emomusic::plot
