#include "emomusic/plot/line_chart.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <set>

#include "decoded_png.hpp"
#include "emomusic/core/error.hpp"
#include "test_support.hpp"

namespace emomusic::plot {
namespace {

constexpr Rgb kRed{220, 20, 20};
constexpr Rgb kBlue{20, 20, 220};

Series constant(double value, Rgb color, std::string name = "") {
  Series s;
  s.name = std::move(name);
  for (int epoch = 1; epoch <= 40; ++epoch) {
    s.x.push_back(epoch);
    s.y.push_back(value);
  }
  s.color = color;
  return s;
}

LineChart two_levels() {
  LineChart chart;
  chart.title = "Accuracy";
  chart.x_label = "epoch";
  chart.y_label = "accuracy";
  chart.y_min = 0;
  chart.y_max = 1;
  chart.series = {constant(0.9, kRed), constant(0.1, kBlue)};
  return chart;
}

TEST(LineChart, WritesAPngOfTheRequestedSizeWithContent) {
  emomusic::test::TempDir dir;
  LineChart chart = two_levels();
  chart.series[0].name = "train";
  chart.series[1].name = "validation";
  plot_lines(chart, dir / "curves.png");
  const test::DecodedPng png = test::read_png(dir / "curves.png");
  EXPECT_EQ(png.width, 900);
  EXPECT_EQ(png.height, 600);
  std::set<std::tuple<int, int, int>> colours;
  for (int y = 0; y < png.height; y += 3) {
    for (int x = 0; x < png.width; x += 3) {
      const Rgb c = png.at(x, y);
      colours.insert({c.r, c.g, c.b});
    }
  }
  EXPECT_GT(colours.size(), 10u);
  EXPECT_EQ(test::files_in(dir.path()), 1) << "temporary file left behind";
}

TEST(LineChart, SeriesAreDrawnAtTheirValues) {
  const Canvas canvas = render_line_chart(two_levels());
  const auto count = [&](Rgb colour, int y0, int y1) {
    int n = 0;
    for (int y = y0; y < y1; ++y) {
      for (int x = 0; x < canvas.width(); ++x) n += canvas.pixel(x, y) == colour;
    }
    return n;
  };
  const int half = canvas.height() / 2;
  EXPECT_GT(count(kRed, 0, half), 500);  // y = 0.9 of a 0..1 axis: high up
  EXPECT_EQ(count(kRed, half, canvas.height()), 0);
  EXPECT_GT(count(kBlue, half, canvas.height()), 500);
  EXPECT_EQ(count(kBlue, 0, half), 0);
}

TEST(LineChart, ValuesOutsideAFixedRangeAreClippedToThePlotArea) {
  LineChart chart = two_levels();
  chart.series = {constant(5.0, kRed)};
  chart.series[0].y[0] = 0.5;  // one point inside, the rest far above the axis
  const Canvas canvas = render_line_chart(chart);
  for (int x = 0; x < canvas.width(); ++x) {
    for (int y = 0; y < 40; ++y) ASSERT_NE(canvas.pixel(x, y), kRed) << x << "," << y;
  }
}

TEST(LineChart, NonFiniteValuesBreakTheLine) {
  LineChart chart = two_levels();
  chart.series[0].y[20] = std::numeric_limits<double>::quiet_NaN();
  EXPECT_NO_THROW(render_line_chart(chart));
  chart.series = {constant(std::numeric_limits<double>::quiet_NaN(), kRed)};
  EXPECT_THROW(render_line_chart(chart), InputError);
}

TEST(LineChart, LogAxisNeedsPositiveValues) {
  LineChart chart;
  chart.title = "Learning rate";
  Series lr;
  for (int epoch = 1; epoch <= 30; ++epoch) {
    lr.x.push_back(epoch);
    lr.y.push_back(1e-3 * std::pow(0.8, epoch));
  }
  chart.series = {lr};
  chart.log_y = true;
  EXPECT_NO_THROW(render_line_chart(chart));
  chart.series[0].y[4] = 0;
  EXPECT_THROW(render_line_chart(chart), InputError);
}

TEST(LineChart, BadDataIsAnInputErrorNamingTheSeries) {
  LineChart chart = two_levels();
  chart.series[1].name = "val loss";
  chart.series[1].y.pop_back();
  try {
    render_line_chart(chart);
    FAIL() << "mismatched sizes accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("val loss"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("40 x values but 39 y values"), std::string::npos)
        << e.what();
  }
  chart.series[1] = Series{"empty", {}, {}, std::nullopt, LineStyle::kSolid};
  EXPECT_THROW(render_line_chart(chart), InputError);
  chart.series.clear();
  EXPECT_THROW(render_line_chart(chart), InputError);
}

TEST(LineChart, BadSettingsAreAUsageError) {
  LineChart chart = two_levels();
  chart.y_min = 1;
  EXPECT_THROW(render_line_chart(chart), UsageError);
  chart = two_levels();
  chart.width = 50;
  EXPECT_THROW(render_line_chart(chart), UsageError);
}

TEST(LineChart, SeriesWithoutAColourGetThePalette) {
  EXPECT_NE(series_color(0), series_color(1));
  EXPECT_EQ(series_color(0), series_color(10));
}

}  // namespace
}  // namespace emomusic::plot
